package io.github.outbox.relay;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import io.github.outbox.support.AdvisoryLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which instance relays: the one whose database session holds the relay's advisory
 * lock, taken on a connection of its own and kept for as long as it relays. A standing-by
 * instance waits for the lock in PostgreSQL's lock queue, one renewal interval at a time
 * ({@code lock_timeout}): when the relaying instance stops or dies, its session ends and the
 * lock passes to the waiting instance at once.
 * <p>
 * An instance that freezes (a long pause, a stopped process, a network that silently drops
 * its packets) keeps neither its lock nor the slot for long: the session is opened with
 * PostgreSQL's {@code idle_session_timeout} set to the lease, so that the server ends it once
 * the holder has not been heard from for that long. On the instance's side, the connection
 * gives up on an answer after the lease and one renewal interval, so that an instance cut off
 * from the server learns within that time that it no longer holds the lock. A thread of its
 * own renews the lease at each renewal interval while the lock is held, whatever the relay is
 * busy with; it stops when the process stops. The new holder then ends the frozen instance's replication connection (see
 * {@link ReplicationSlot#takeOver}); if the frozen instance wakes up, it finds its session gone
 * and stops relaying.
 * <p>
 * Where the relay's user may (PostgreSQL 16 or later, {@code EXECUTE} on
 * {@code pg_log_standby_snapshot()}, a superuser's by default), the renewal also writes a record
 * of the running transactions to the WAL. PostgreSQL moves a slot's restart point only at such
 * records, which its background writer writes every 15 seconds; whoever opens the slot next
 * decodes the WAL again from there (Debezium twice: its search for the resume position opens
 * the stream once more), so that a take-over under load re-read up to 15 seconds of WAL, twice.
 */
final class RelayLeadership implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RelayLeadership.class);

	private final DataSource dataSource;

	private final AdvisoryLock lock;

	private final Duration lease;

	private final Duration renewal;

	private @Nullable Connection connection;

	private volatile boolean held;

	private @Nullable Thread renewer;

	// The connection while it waits in the lock queue, for endWait() to end the wait.
	private volatile @Nullable Connection waiting;

	// Whether each renewal also writes a record of the running transactions to the WAL.
	private boolean logsRunningTransactions;

	private boolean advisedGrant;

	/**
	 * Creates the leadership of a slot's relay.
	 * @param dataSource the relay's connections; one is kept for the lock
	 * @param slotName the slot, which names the lock
	 * @param lease how long the holder may go unheard before the server ends its session
	 * @param renewal how often the holder renews it, well within the lease, and how long each
	 * attempt to take it waits
	 */
	RelayLeadership(DataSource dataSource, String slotName, Duration lease, Duration renewal) {
		this.dataSource = dataSource;
		this.lock = new AdvisoryLock("io.github.outbox.relay", slotName);
		this.lease = lease;
		this.renewal = renewal;
	}

	/**
	 * Tries to become the relaying instance, waiting for the lock for up to the renewal interval.
	 * @return whether this instance holds the lock now
	 * @throws SQLException if the database cannot be reached, or {@link #endWait()} ended the wait
	 */
	synchronized boolean acquire() throws SQLException {
		try {
			if (this.connection == null || this.connection.isClosed()) {
				this.connection = connect();
			}
			boolean acquired;
			this.waiting = this.connection;
			try {
				acquired = this.lock.acquireWaiting(this.connection);
			}
			finally {
				this.waiting = null;
			}
			if (acquired && this.renewer == null) {
				this.held = true;
				this.logsRunningTransactions = mayLogRunningTransactions(this.connection);
				Thread renewer = new Thread(this::renewWhileHeld, "outbox-relay-lease");
				renewer.setDaemon(true);
				this.renewer = renewer;
				renewer.start();
			}
			return acquired;
		}
		catch (SQLException ex) {
			closeConnection();
			throw ex;
		}
	}

	/**
	 * Returns whether the lock is still held: it is for as long as its session lives, as the last
	 * renewal found.
	 * @return whether the lock is held
	 */
	boolean isHeld() {
		return this.held;
	}

	/**
	 * Ends a wait for the lock at once, from another thread: {@link #acquire()} then fails.
	 */
	void endWait() {
		Connection waiting = this.waiting;
		if (waiting != null) {
			try {
				// The one call JDBC offers another thread; closing would wait for the wait.
				waiting.abort(Runnable::run);
			}
			catch (SQLException ex) {
				logger.debug("Ending the wait for the relay lock failed", ex);
			}
		}
	}

	/**
	 * Gives the lock up, by ending its session.
	 */
	@Override
	public void close() {
		Thread renewer;
		synchronized (this) {
			this.held = false;
			renewer = this.renewer;
			this.renewer = null;
			closeConnection();
		}
		if (renewer != null && renewer != Thread.currentThread()) {
			renewer.interrupt();
		}
	}

	private void closeConnection() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				logger.debug("Closing the relay lock connection failed", ex);
			}
			this.connection = null;
		}
	}

	private void renewWhileHeld() {
		while (this.held) {
			try {
				Thread.sleep(this.renewal.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
			renew();
		}
	}

	// A statement on the session renews the lease; a session the server ended fails it.
	private synchronized void renew() {
		if (!this.held) {
			return;
		}
		try {
			this.held = this.connection != null && renewOn(this.connection);
		}
		catch (SQLException ex) {
			this.held = false;
		}
	}

	private boolean renewOn(Connection connection) throws SQLException {
		if (this.logsRunningTransactions) {
			// Bounded by the connection's network timeout: a query timeout would send a cancel,
			// which a dead network swallows too, and then wait for it (10 s more).
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT pg_log_standby_snapshot()::text");
				return true;
			}
			catch (SQLException ex) {
				// A server in recovery refuses it, for one; the lease does not depend on it.
				logger.debug("Writing the running transactions to the WAL failed; the relay no longer does", ex);
				this.logsRunningTransactions = false;
			}
		}
		return connection.isValid(timeoutSeconds());
	}

	private boolean mayLogRunningTransactions(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_setting('server_version_num')::int >= 160000, "
						+ "coalesce(has_function_privilege(to_regprocedure('pg_log_standby_snapshot()'), 'EXECUTE'), false)"
						+ " AND NOT pg_is_in_recovery(), current_user")) {
			result.next();
			boolean may = result.getBoolean(2);
			if (result.getBoolean(1) && !may && !this.advisedGrant) {
				this.advisedGrant = true;
				logger.info("The relay's user may not call pg_log_standby_snapshot(): a take-over reads up to 15 seconds "
						+ "of WAL again before it sends. To take over faster, GRANT EXECUTE ON FUNCTION "
						+ "pg_log_standby_snapshot() TO {}", result.getString(3));
			}
			return may;
		}
	}

	private Connection connect() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		try (Statement statement = connection.createStatement()) {
			// How long acquire() waits in the lock queue.
			statement.execute("SET lock_timeout = " + Math.max(1, this.renewal.toMillis()));
			// Behind a network that drops packets silently, no answer ever comes and TCP may take
			// many minutes to give up: the holder would go on relaying after the server ended its
			// session, and a standby would stop trying. Nothing on this session takes longer.
			connection.setNetworkTimeout(Runnable::run, (int) this.lease.plus(this.renewal).toMillis());
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		try (Statement statement = connection.createStatement()) {
			// PostgreSQL 14 and later end a session that stays idle for longer; earlier servers
			// refuse the setting, and a frozen holder keeps the lock until its connection breaks.
			statement.execute("SET idle_session_timeout = " + this.lease.toMillis());
		}
		catch (SQLException ex) {
			logger.debug("The server does not end idle sessions (idle_session_timeout); a frozen relay keeps its "
					+ "lock until its connection breaks", ex);
		}
		return connection;
	}

	private int timeoutSeconds() {
		return (int) Math.max(1, this.lease.toSeconds());
	}

}
