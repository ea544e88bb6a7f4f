package io.github.outbox.relay;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the state of the relay's replication slot from {@code pg_replication_slots}: whether
 * it exists and is being read, PostgreSQL's verdict on the WAL it keeps ({@code wal_status}),
 * and how much WAL it keeps, from its confirmed position to the server's current one.
 */
final class ReplicationSlotMonitor {

	private final JdbcTemplate jdbcTemplate;

	private final String slotName;

	ReplicationSlotMonitor(JdbcTemplate jdbcTemplate, String slotName) {
		this.jdbcTemplate = jdbcTemplate;
		this.slotName = slotName;
	}

	String slotName() {
		return this.slotName;
	}

	/**
	 * Reads the slot's state now.
	 * @return the state, or {@code null} if the slot does not exist
	 */
	@Nullable SlotState read() {
		List<SlotState> slots = this.jdbcTemplate.query("""
				SELECT active, wal_status,
				       pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn))::bigint
				FROM pg_replication_slots WHERE slot_name = ?
				""", (row, number) -> new SlotState(row.getBoolean(1), row.getString(2), row.getLong(3)), this.slotName);
		return (slots.isEmpty()) ? null : slots.get(0);
	}

	/**
	 * A replication slot's state.
	 *
	 * @param active whether a relay is reading from it
	 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
	 * @param retainedWalBytes the WAL the server keeps for it
	 */
	record SlotState(boolean active, @Nullable String walStatus, long retainedWalBytes) {

		boolean walLostOrAboutToBe() {
			return "lost".equals(this.walStatus) || "unreserved".equals(this.walStatus);
		}

	}

}
