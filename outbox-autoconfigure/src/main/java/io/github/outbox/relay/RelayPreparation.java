package io.github.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import io.github.outbox.relay.RelayChecks.Publication;
import io.github.outbox.relay.RelayPositionTable.StoredPosition;
import io.github.outbox.relay.ReplicationSlot.SlotState;
import io.github.outbox.replay.OutboxReplay;
import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What must hold before the relay streams, and what it does so that nothing committed is left
 * behind: the database offers logical replication, the publication covers the outbox, the slot
 * exists, the stored position belongs to this server and slot, and no one else reads the slot.
 * <p>
 * When the relay creates its slot, events may already be in the outbox table that no slot
 * recorded (written while the relay was off, or while the slot was gone): it asks Debezium to
 * replay them from the table, through the slot itself, so every deployment that reads the slot
 * relays them. The same happens when the publication was dropped and created again: PostgreSQL
 * skips, or fails on, what was written while it was missing, so the relay moves its slot past
 * that stretch of WAL and replays it from the table.
 * <p>
 * Run once at start-up as a database initializer (see {@link RelayPreparationDetector}), so
 * that the slot exists before the publisher writes its first event, and then each time the
 * relay is about to stream.
 */
final class RelayPreparation implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(RelayPreparation.class);

	// How far before the last known position a replay starts, for transactions that were
	// open (their created_at earlier than their commit) when the gap began.
	private static final Duration REPLAY_MARGIN = Duration.ofMinutes(1);

	private final RelayDatabase database;

	private final RelayChecks checks;

	private final ReplicationSlot slot;

	private final RelayPositionTable positions;

	private final OutboxTable table;

	private final JdbcTemplate queries;

	private final Duration takeOverPatience;

	private volatile @Nullable Long publicationOid;

	private volatile Instant publicationSeenAt = Instant.EPOCH;

	RelayPreparation(RelayDatabase database, RelayChecks checks, ReplicationSlot slot, RelayPositionTable positions,
			OutboxTable table, JdbcTemplate queries, Duration takeOverPatience) {
		this.database = database;
		this.checks = checks;
		this.slot = slot;
		this.positions = positions;
		this.table = table;
		this.queries = queries;
		this.takeOverPatience = takeOverPatience;
	}

	@Override
	public void afterPropertiesSet() {
		try {
			this.checks.verify();
			ensureSlot();
		}
		catch (DataAccessException ex) {
			throw new RelayConfigurationException("The relay could not check its replication slot '" + this.slot.name()
					+ "' on " + this.database + ": " + ex.getMostSpecificCause().getMessage(),
					"Make sure the database is reachable and the relay's user may connect to it.", ex);
		}
	}

	/**
	 * Makes everything ready for this instance, which holds the relay lock, to stream.
	 * @param stillLeading whether this instance still holds the relay lock, asked before it
	 * ends another connection's hold on the slot
	 * @throws RelayConfigurationException if something needs an operator
	 * @throws DataAccessException if the database cannot be reached
	 * @throws InterruptedException if interrupted while waiting for the slot
	 */
	void beforeStreaming(BooleanSupplier stillLeading) throws InterruptedException {
		Publication publication = this.checks.verify();
		ensureSlot();
		Long previous = this.publicationOid;
		StoredPosition position = this.positions.read();
		Long streamedThrough = (position != null) ? position.publicationOid() : previous;
		if (streamedThrough != null && !streamedThrough.equals(publication.oid())) {
			replayPublicationGap(position);
		}
		verifyPosition();
		this.slot.takeOver(this.takeOverPatience, stillLeading);
		this.positions.streamingThrough(publication.oid());
		this.publicationOid = publication.oid();
		this.publicationSeenAt = databaseNow();
	}

	/**
	 * Checks, while the relay streams, that the publication it streams through is still the
	 * one it started with. PostgreSQL 18 skips without an error what is written while a
	 * publication is missing: the relay must stop and replay that stretch instead.
	 * @return why the relay must stop streaming, or {@code null} if it may go on
	 */
	@Nullable String publicationProblem() {
		Publication publication = this.checks.publication();
		if (!publication.usable()) {
			return "the publication '" + this.table.publication() + "' no longer covers the outbox's inserts";
		}
		if (this.publicationOid != null && !this.publicationOid.equals(publication.oid())) {
			return "the publication '" + this.table.publication() + "' was dropped and created again";
		}
		this.publicationSeenAt = databaseNow();
		return null;
	}

	private void ensureSlot() {
		SlotState state = this.slot.state();
		if (state != null) {
			if (!ReplicationSlot.PLUGIN.equals(state.plugin()) || !this.database.database().equals(state.database())) {
				throw new RelayConfigurationException("The replication slot '" + this.slot.name() + "' exists but belongs "
						+ "to another consumer (plugin " + state.plugin() + ", database " + state.database() + ").",
						"Set outbox.relay.slot-name to a slot of its own for the relay.");
			}
			return;
		}
		StoredPosition position = this.positions.read();
		if (!this.slot.create()) {
			// Another instance created it at this moment, and replays what came before.
			return;
		}
		this.positions.forget();
		Instant created = databaseNow();
		Instant from = (position != null && position.committedAt() != null)
				? position.committedAt().minus(REPLAY_MARGIN) : Instant.EPOCH;
		long waiting = replay(from, created);
		if (position != null) {
			logger.warn("Replication slot '{}' was missing and has been created again; {} events written since {} are "
					+ "replayed from the outbox table (events the cleanup already removed cannot be)", this.slot.name(),
					waiting, from);
		}
		else if (waiting > 0) {
			logger.info("Created replication slot '{}' for the outbox relay; {} events written before it existed are "
					+ "replayed from the outbox table", this.slot.name(), waiting);
		}
		else {
			logger.info("Created replication slot '{}' for the outbox relay", this.slot.name());
		}
	}

	private void replayPublicationGap(@Nullable StoredPosition position) {
		Instant lastGood = this.publicationSeenAt;
		if (position != null && position.committedAt() != null
				&& (lastGood.equals(Instant.EPOCH) || position.committedAt().isBefore(lastGood))) {
			lastGood = position.committedAt();
		}
		Instant from = lastGood.minus(REPLAY_MARGIN);
		this.slot.advanceToCurrentPosition();
		this.positions.forget();
		long waiting = replay(from, databaseNow());
		logger.warn("The publication '{}' was dropped and created again; PostgreSQL skips what was written while it was "
				+ "missing, so the relay moved slot '{}' past that and replays the {} events written since {} from the "
				+ "outbox table", this.table.publication(), this.slot.name(), waiting, from);
	}

	private long replay(Instant from, Instant to) {
		Long waiting = this.queries.queryForObject("SELECT count(*) FROM " + this.table.qualifiedName()
				+ " WHERE created_at >= ? AND created_at < ?", Long.class, OutboxTable.createdAt(from),
				OutboxTable.createdAt(to));
		if (waiting == null || waiting == 0) {
			return 0;
		}
		try {
			new OutboxReplay(this.queries, this.table).replay(from, to);
		}
		catch (DataAccessException ex) {
			// Without the replay, the slot would hide those events for good: undo it, so that the
			// next attempt tries again.
			this.slot.drop();
			throw ex;
		}
		return waiting;
	}

	private void verifyPosition() {
		StoredPosition position = this.positions.read();
		SlotState state = this.slot.state();
		if (position == null || position.lsn() == null || state == null) {
			return;
		}
		String forget = "DELETE FROM " + this.table.qualifiedRelayPositionName() + " WHERE slot_name = '"
				+ this.slot.name() + "'";
		if (position.systemIdentifier() != this.positions.systemIdentifier() || position.lsn() > state.currentLsn()) {
			throw new RelayConfigurationException("The relay's stored position for slot '" + this.slot.name()
					+ "' was taken on another PostgreSQL server (system identifier " + position.systemIdentifier()
					+ ", this server " + this.positions.systemIdentifier() + ") or lies ahead of anything this server "
					+ "wrote: the database was probably copied or restored. The relay does not start from it.",
					"If the database was copied or restored, remove the position (" + forget + "): the relay then "
							+ "starts from its slot. Events written on the old server after its last position are "
							+ "replayed with OutboxReplay if consumers miss them (docs/operations.md).");
		}
		if (position.lsn() < state.confirmedLsn()) {
			throw new RelayConfigurationException("The replication slot '" + this.slot.name() + "' has moved past the "
					+ "relay's stored position (slot at " + state.confirmedLsn() + ", position at " + position.lsn()
					+ "): it was advanced or created again while the relay was away, and the events in between "
					+ "may not have reached Kafka. The relay does not skip them.",
					"Replay the events written since " + position.committedAt()
							+ " (OutboxReplay, or the SQL in docs/operations.md), then remove the position (" + forget
							+ ") so that the relay starts from the slot.");
		}
	}

	private Instant databaseNow() {
		java.sql.Timestamp now = this.queries.queryForObject(
				"SELECT (clock_timestamp() AT TIME ZONE 'UTC')::timestamp", java.sql.Timestamp.class);
		return (now != null) ? OutboxTable.instantOf(now.toLocalDateTime()) : Instant.now();
	}

}
