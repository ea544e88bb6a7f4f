package io.github.outbox.relay;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Refuses to start an application that removes each event in the transaction that writes it
 * ({@code outbox.cleanup.strategy=delete-after-insert}) while no replication slot records the
 * outbox: with no row kept, an event written before the slot exists could never be replayed,
 * and would be lost without a trace. Where the embedded relay runs, its preparation creates the
 * slot at start-up; elsewhere (Kafka Connect, Debezium Server) the slot must be made first.
 * <p>
 * A database initializer (see {@link RelayPreparationDetector}), so the publisher is created
 * only once it passed.
 */
final class SlotRequiredForDeleteAfterInsert implements InitializingBean {

	private final JdbcTemplate jdbc;

	private final ReplicationSlot slot;

	private final ObjectProvider<RelayPreparation> relay;

	SlotRequiredForDeleteAfterInsert(JdbcTemplate jdbc, String slotName, ObjectProvider<RelayPreparation> relay) {
		this.jdbc = jdbc;
		this.slot = new ReplicationSlot(jdbc, slotName);
		this.relay = relay;
	}

	private String database() {
		return String.valueOf(this.jdbc.queryForObject("SELECT current_database()::text", String.class));
	}

	@Override
	public void afterPropertiesSet() {
		if (this.relay.getIfAvailable() != null) {
			// The embedded relay runs here: its preparation has created the slot (or failed).
			return;
		}
		ReplicationSlot.SlotState state = this.slot.state();
		if (state != null && !state.database().equals(this.database())) {
			throw new RelayConfigurationException("The replication slot '" + this.slot.name() + "' belongs to another "
					+ "database (" + state.database() + "): it does not record this outbox.",
					"Set outbox.relay.slot-name to the slot that relays this database.");
		}
		if (state == null) {
			throw new RelayConfigurationException("outbox.cleanup.strategy=delete-after-insert keeps no rows, so an event "
					+ "published while no replication slot records the outbox is lost for good, and the slot '"
					+ this.slot.name() + "' (outbox.relay.slot-name) does not exist.",
					"Create the slot before the first event (SELECT pg_create_logical_replication_slot('"
							+ this.slot.name() + "', 'pgoutput')), as the Kafka Connect and Debezium Server recipes in "
							+ "docs/relay.md do, or run the embedded relay here (outbox.relay.enabled=true), which "
							+ "creates it at start-up.");
		}
	}

}
