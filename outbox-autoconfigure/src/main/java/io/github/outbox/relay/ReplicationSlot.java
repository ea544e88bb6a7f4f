package io.github.outbox.relay;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The relay's logical replication slot on the database server: its state, its creation, and
 * handing it to this instance's engine when a previous reader still holds it.
 */
final class ReplicationSlot {

	static final String PLUGIN = "pgoutput";

	// The application name Debezium gives its replication connection.
	private static final String DEBEZIUM_STREAMING = "Debezium Streaming";

	private static final Logger logger = LoggerFactory.getLogger(ReplicationSlot.class);

	private final JdbcTemplate jdbc;

	private final String name;

	private volatile @Nullable Boolean reportsInactiveSince;

	ReplicationSlot(JdbcTemplate jdbc, String name) {
		this.jdbc = jdbc;
		this.name = name;
	}

	String name() {
		return this.name;
	}

	/**
	 * Reads the slot's state now.
	 * @return the state, or {@code null} if the slot does not exist
	 */
	@Nullable SlotState state() {
		// PostgreSQL 17 and later say since when a slot has had no reader.
		String inactiveSince = reportsInactiveSince() ? "inactive_since" : "NULL::timestamptz";
		List<SlotState> slots = this.jdbc.query("SELECT database, plugin, active, active_pid, wal_status, "
				+ "pg_wal_lsn_diff(restart_lsn, '0/0')::bigint, "
				+ "pg_wal_lsn_diff(coalesce(confirmed_flush_lsn, restart_lsn), '0/0')::bigint, "
				+ "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, " + inactiveSince
				+ " FROM pg_replication_slots WHERE slot_name = ?", (row, number) -> {
					Timestamp since = row.getTimestamp(9);
					return new SlotState(row.getString(1), row.getString(2), row.getBoolean(3),
							(Integer) row.getObject(4), row.getString(5), row.getLong(6), row.getLong(7), row.getLong(8),
							(since != null) ? since.toInstant() : null);
				}, this.name);
		return slots.isEmpty() ? null : slots.get(0);
	}

	/**
	 * Creates the slot.
	 * @return the moment, on the database's clock, at which the slot was ready: every
	 * transaction committed from then on is in it; or {@code null} if another instance created
	 * it at the same moment
	 * @throws RelayConfigurationException if the relay's user may not create it
	 */
	@Nullable Instant create() {
		try {
			// The clock is read once the function has returned, that is once the slot is consistent.
			Timestamp ready = this.jdbc.queryForObject("SELECT (clock_timestamp() AT TIME ZONE 'UTC')::timestamp FROM "
					+ "pg_create_logical_replication_slot(?, '" + PLUGIN + "')", Timestamp.class, this.name);
			return (ready != null) ? OutboxTable.instantOf(ready.toLocalDateTime()) : Instant.now();
		}
		catch (DataAccessException ex) {
			String state = RelayChecks.sqlState(ex);
			if ("42710".equals(state)) {
				return null;
			}
			if ("42501".equals(state)) {
				throw RelayChecks.noReplicationPrivilege(currentUser(), "create the replication slot '" + this.name + "'",
						ex);
			}
			throw ex;
		}
	}

	void drop() {
		this.jdbc.queryForObject("SELECT pg_drop_replication_slot(?)::text", String.class, this.name);
	}

	/**
	 * Moves the slot to the server's current WAL position, leaving unread whatever was written
	 * before: only once what lies there is known to be replayed otherwise.
	 */
	void advanceToCurrentPosition() {
		this.jdbc.queryForObject("SELECT pg_replication_slot_advance(?, pg_current_wal_lsn())::text", String.class,
				this.name);
	}

	/**
	 * Waits until no connection reads the slot, so that this instance's engine can. This
	 * instance holds the relay lock: a Debezium connection still reading belongs to an instance
	 * that lost it (stopped, frozen, or cut off from the database) or to an earlier engine run of
	 * this one, and is ended once the patience runs out rather than waited for until PostgreSQL's
	 * {@code wal_sender_timeout}.
	 * @param patience how long to let a previous reader go by itself
	 * @param stillLeading whether this instance still holds the relay lock: if it lost it
	 * meanwhile, the reader may be the new leader's, and is left alone
	 * @throws InterruptedException if interrupted while waiting
	 * @throws RelayConfigurationException if a client other than Debezium reads the slot
	 */
	void takeOver(Duration patience, BooleanSupplier stillLeading) throws InterruptedException {
		long deadline = System.nanoTime() + patience.toNanos();
		SlotState state = state();
		while (state != null && state.active() && System.nanoTime() < deadline) {
			Thread.sleep(50);
			state = state();
		}
		if (state == null || !state.active() || state.activePid() == null || !stillLeading.getAsBoolean()) {
			return;
		}
		List<String> reader = this.jdbc.query(
				"SELECT coalesce(application_name, ''), coalesce(client_addr::text, 'local') FROM pg_stat_activity WHERE pid = ?",
				(row, number) -> row.getString(1) + "|" + row.getString(2), state.activePid());
		String application = reader.isEmpty() ? "" : reader.get(0).substring(0, reader.get(0).indexOf('|'));
		String address = reader.isEmpty() ? "unknown" : reader.get(0).substring(reader.get(0).indexOf('|') + 1);
		if (!DEBEZIUM_STREAMING.equals(application)) {
			throw new RelayConfigurationException("The replication slot '" + this.name + "' is read by another client (pid "
					+ state.activePid() + ", application '" + application + "', from " + address + ").",
					"Stop that client, or give this relay a slot of its own with outbox.relay.slot-name.");
		}
		logger.warn("Ending the replication connection (pid {}, from {}) that still reads slot '{}': the instance it "
				+ "belongs to no longer holds the relay lock", state.activePid(), address, this.name);
		this.jdbc.queryForObject("SELECT pg_terminate_backend(?)::text", String.class, state.activePid());
		long ended = System.nanoTime() + patience.toNanos();
		while (state != null && state.active() && System.nanoTime() < ended) {
			Thread.sleep(50);
			state = state();
		}
	}

	private String currentUser() {
		return String.valueOf(this.jdbc.queryForObject("SELECT current_user::text", String.class));
	}

	private boolean reportsInactiveSince() {
		Boolean reports = this.reportsInactiveSince;
		if (reports == null) {
			Integer version = this.jdbc.queryForObject("SELECT current_setting('server_version_num')::int", Integer.class);
			reports = version != null && version >= 170000;
			this.reportsInactiveSince = reports;
		}
		return reports;
	}

	/**
	 * A replication slot's state, with WAL positions as byte offsets.
	 *
	 * @param database the database it belongs to
	 * @param plugin its output plugin
	 * @param active whether a connection reads from it
	 * @param activePid the server process of that connection, if any
	 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
	 * @param restartLsn the oldest WAL it keeps
	 * @param confirmedLsn how far its reader confirmed having received
	 * @param currentLsn the server's current WAL position
	 * @param inactiveSince since when it has had no reader, where the server says so
	 */
	record SlotState(String database, String plugin, boolean active, @Nullable Integer activePid,
			@Nullable String walStatus, long restartLsn, long confirmedLsn, long currentLsn,
			@Nullable Instant inactiveSince) {

		/**
		 * Returns the WAL the server keeps for the slot beyond what its reader confirmed.
		 * @return the retained WAL, in bytes
		 */
		long retainedWalBytes() {
			return Math.max(0, this.currentLsn - this.confirmedLsn);
		}

		boolean walLostOrAboutToBe() {
			return "lost".equals(this.walStatus) || "unreserved".equals(this.walStatus);
		}

	}

}
