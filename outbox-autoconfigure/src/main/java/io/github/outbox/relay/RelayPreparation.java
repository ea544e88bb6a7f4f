package io.github.outbox.relay;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import io.github.outbox.relay.RelayChecks.Publication;
import io.github.outbox.relay.RelayPositionTable.PendingReplay;
import io.github.outbox.relay.RelayPositionTable.StoredPosition;
import io.github.outbox.relay.ReplicationSlot.SlotState;
import io.github.outbox.replay.OutboxReplay;
import io.github.outbox.schema.OutboxTable;
import io.github.outbox.support.ReplaySignal;
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
 * replay them from the table, through the slot itself, so that whatever reads the slot relays
 * them. When the publication was dropped, or stopped covering the outbox, PostgreSQL skipped (or
 * fails on) what was written meanwhile: the relay moves its slot past that stretch of WAL and
 * replays it from the table. A replay still due is recorded in the position table before the
 * step that makes it necessary, and removed in the transaction that asks for it, so that a crash
 * in between cannot lose it.
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

	private final RelayActivity activity;

	private volatile @Nullable Long publicationOid;

	// When the publication was last seen as it should be, while the relay streamed.
	private volatile @Nullable Instant publicationSeenAt;

	RelayPreparation(RelayDatabase database, RelayChecks checks, ReplicationSlot slot, RelayPositionTable positions,
			OutboxTable table, JdbcTemplate queries, Duration takeOverPatience, RelayActivity activity) {
		this.database = database;
		this.checks = checks;
		this.slot = slot;
		this.positions = positions;
		this.table = table;
		this.queries = queries;
		this.takeOverPatience = takeOverPatience;
		this.activity = activity;
	}

	@Override
	public void afterPropertiesSet() {
		try {
			this.checks.verifyDatabase();
			verifyPublication(this.positions.read());
			ensureSlot();
			// Moving the slot is for the instance that relays; asking for a replay is not.
			replayPending(false);
		}
		catch (DataAccessException ex) {
			throw new RelayConfigurationException("The relay could not check its replication slot '" + this.slot.name()
					+ "' on " + this.database + ": " + ex.getMostSpecificCause().getMessage(),
					"Make sure the database is reachable, the relay's user may connect to it, and the outbox "
							+ "migrations ran.",
					ex);
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
		this.checks.verifyDatabase();
		StoredPosition position = this.positions.read();
		Publication publication = verifyPublication(position);
		// A previous reader that froze holds the slot for good: end it before moving the slot.
		this.slot.takeOver(this.takeOverPatience, stillLeading);
		ensureSlot();
		Long streamedThrough = (position != null && position.publicationOid() != null) ? position.publicationOid()
				: this.publicationOid;
		if (streamedThrough != null && !streamedThrough.equals(publication.oid())) {
			this.positions.pending(new PendingReplay(lastGoodPublication(position).minus(REPLAY_MARGIN), null, true));
		}
		replayPending(true);
		verifyPosition();
		this.slot.takeOver(this.takeOverPatience, stillLeading);
		this.positions.streamingThrough(publication.oid());
		this.publicationOid = publication.oid();
		this.publicationSeenAt = databaseNow();
	}

	/**
	 * Checks, while the relay streams, that the publication it streams through is still the
	 * one it started with and still covers the outbox: PostgreSQL 18 skips without an error what
	 * is written while it does not, so the relay must stop, and replay that stretch once it is
	 * back.
	 * @return why the relay must stop streaming, or {@code null} if it may go on
	 */
	@Nullable String publicationProblem() {
		Publication publication = this.checks.publication();
		String problem = null;
		if (!publication.usable()) {
			problem = "the publication '" + this.table.publication() + "' no longer covers the outbox's inserts";
		}
		else if (this.publicationOid != null && !this.publicationOid.equals(publication.oid())) {
			problem = "the publication '" + this.table.publication() + "' was dropped and created again";
		}
		if (problem != null) {
			Instant seen = this.publicationSeenAt;
			this.positions.pending(new PendingReplay(((seen != null) ? seen : Instant.EPOCH).minus(REPLAY_MARGIN), null, true));
			return problem;
		}
		this.publicationSeenAt = databaseNow();
		return null;
	}

	private Publication verifyPublication(@Nullable StoredPosition position) {
		Publication publication = this.checks.publication();
		if (!publication.usable()) {
			// What is written from now until it is fixed will have to be replayed.
			this.positions.pending(new PendingReplay(lastGoodPublication(position).minus(REPLAY_MARGIN), null, true));
			this.checks.verifyPublication(publication);
		}
		return publication;
	}

	private Instant lastGoodPublication(@Nullable StoredPosition position) {
		Instant seen = this.publicationSeenAt;
		Instant committed = (position != null) ? position.committedAt() : null;
		if (seen == null) {
			return (committed != null) ? committed : Instant.EPOCH;
		}
		return (committed != null && committed.isBefore(seen)) ? committed : seen;
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
		Instant from = (position != null && position.committedAt() != null)
				? position.committedAt().minus(REPLAY_MARGIN) : Instant.EPOCH;
		// Recorded before the slot exists: whatever happens next, the replay is asked for.
		this.positions.pending(new PendingReplay(from, null, false));
		Instant ready = this.slot.create();
		this.activity.forgetAcknowledged();
		if (ready == null) {
			// Another instance created it at this moment, and replays what came before.
			return;
		}
		// Everything that commits from here on is in the slot: the replay covers what came before,
		// and what was being written as the slot was created is sent twice (the inbox absorbs it).
		this.positions.pendingUntil(ready);
		if (position != null) {
			logger.warn("Replication slot '{}' was missing and has been created again; the events written since {} are "
					+ "replayed from the outbox table (events the cleanup already removed cannot be)", this.slot.name(),
					from);
		}
		else {
			logger.info("Created replication slot '{}' for the outbox relay", this.slot.name());
		}
	}

	/**
	 * Asks for the replay still due, if any, in one transaction with the removal of the engine's
	 * offsets (which refer to WAL the slot no longer has, or has moved past) and of the pending
	 * entry. Replays Debezium was in the middle of are asked for again.
	 * @param mayMoveSlot whether this instance relays, and may move the slot first
	 */
	private void replayPending(boolean mayMoveSlot) {
		PendingReplay pending = this.positions.pending();
		if (pending == null || (pending.advanceSlot() && !mayMoveSlot)) {
			return;
		}
		StoredPosition position = this.positions.read();
		if (pending.advanceSlot()) {
			this.slot.advanceToCurrentPosition();
		}
		Instant to = (pending.until() != null) ? pending.until() : databaseNow();
		long waiting = count(pending.from(), to);
		this.positions.startFromTheSlot((jdbc) -> {
			if (waiting > 0) {
				new OutboxReplay(jdbc, this.table).replay(pending.from(), to);
			}
			if (position != null) {
				askAgainForUnfinishedReplays(jdbc, position);
			}
		});
		if (pending.advanceSlot()) {
			logger.warn("The publication '{}' was dropped or stopped covering the outbox; PostgreSQL skips what was "
					+ "written meanwhile, so the relay moved slot '{}' past it and replays the {} events written since {} "
					+ "from the outbox table", this.table.publication(), this.slot.name(), waiting, pending.from());
		}
		else if (waiting > 0) {
			logger.info("{} events written before replication slot '{}' existed are replayed from the outbox table",
					waiting, this.slot.name());
		}
	}

	private void askAgainForUnfinishedReplays(JdbcTemplate jdbc, StoredPosition position) {
		for (String condition : position.unfinishedReplays()) {
			String id = ReplaySignal.insert(jdbc, this.table, "replay-again", condition.isBlank() ? "true" : condition);
			logger.warn("A replay was in progress (of the events where {}); asked for it again (signal {})",
					condition.isBlank() ? "true" : condition, id);
		}
	}

	private long count(Instant from, Instant to) {
		Long count = this.queries.queryForObject("SELECT count(*) FROM " + this.table.qualifiedName()
				+ " WHERE created_at >= ? AND created_at < ?", Long.class, OutboxTable.createdAt(from),
				OutboxTable.createdAt(to));
		return (count != null) ? count : 0;
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
		if (position.lsn() >= state.confirmedLsn()) {
			return;
		}
		if (this.activity.isAcknowledgedThrough(state.confirmedLsn())) {
			// Debezium confirmed to the slot what Kafka acknowledged through this instance, and the
			// position that covers it was not written (PostgreSQL stopped then, for one): nothing
			// in between was skipped, and the relay goes on from the slot.
			logger.debug("Replication slot '{}' is ahead of the relay's stored position (slot at {}, position at {}) "
					+ "by events this instance delivered; the relay goes on from the slot", this.slot.name(),
					state.confirmedLsn(), position.lsn());
			this.positions.startFromTheSlot((jdbc) -> askAgainForUnfinishedReplays(jdbc, position));
			return;
		}
		// Debezium confirms to the slot what Kafka acknowledged, sometimes before the position
		// that covers it is written (and never written if PostgreSQL or the relay stops then), and
		// this instance did not deliver it; or someone advanced the slot. Either way the slot no
		// longer holds what lies between: it is replayed from the table, and the relay goes on
		// from the slot.
		Instant from = (position.committedAt() != null) ? position.committedAt().minus(REPLAY_MARGIN) : Instant.EPOCH;
		logger.warn("Replication slot '{}' is ahead of the relay's stored position (slot at {}, position at {}): the "
				+ "position was not written after the slot last moved (PostgreSQL or the relay stopped at that moment) "
				+ "or the slot was advanced by hand. So that nothing in between is skipped, the events written since {} "
				+ "are replayed from the outbox table", this.slot.name(), state.confirmedLsn(), position.lsn(), from);
		this.positions.pending(new PendingReplay(from, null, false));
		replayPending(true);
	}

	private Instant databaseNow() {
		Timestamp now = this.queries.queryForObject("SELECT (clock_timestamp() AT TIME ZONE 'UTC')::timestamp",
				Timestamp.class);
		return (now != null) ? OutboxTable.instantOf(now.toLocalDateTime()) : Instant.now();
	}

}
