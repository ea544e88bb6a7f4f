package io.github.outbox.relay;

import java.sql.Connection;
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
 * lock, taken on a connection of its own and kept for as long as it relays. When that instance
 * stops or dies, its session ends, PostgreSQL releases the lock and a standing-by instance
 * takes it at its next attempt.
 * <p>
 * An instance that freezes (a long pause, a stopped process, a network that silently drops
 * its packets) keeps neither its lock nor the slot for long: the session is opened with
 * PostgreSQL's {@code idle_session_timeout} set to the lease, so that the server ends it once
 * the holder has not been heard from for that long. A thread of its own renews the lease at each
 * renewal interval while the lock is held, whatever the relay is busy with; it stops when the
 * process stops. The new holder then ends the frozen instance's replication connection (see
 * {@link ReplicationSlot#takeOver}); if the frozen instance wakes up, it finds its session gone
 * and stops relaying.
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

	/**
	 * Creates the leadership of a slot's relay.
	 * @param dataSource the relay's connections; one is kept for the lock
	 * @param slotName the slot, which names the lock
	 * @param lease how long the holder may go unheard before the server ends its session
	 * @param renewal how often the holder renews it, well within the lease
	 */
	RelayLeadership(DataSource dataSource, String slotName, Duration lease, Duration renewal) {
		this.dataSource = dataSource;
		this.lock = new AdvisoryLock("io.github.outbox.relay", slotName);
		this.lease = lease;
		this.renewal = renewal;
	}

	/**
	 * Tries to become the relaying instance.
	 * @return whether this instance holds the lock now
	 * @throws SQLException if the database cannot be reached
	 */
	synchronized boolean tryAcquire() throws SQLException {
		try {
			if (this.connection == null || this.connection.isClosed()) {
				this.connection = connect();
			}
			boolean acquired = this.lock.tryAcquire(this.connection);
			if (acquired && this.renewer == null) {
				this.held = true;
				Thread renewer = new Thread(this::renewWhileHeld, "outbox-relay-lease");
				renewer.setDaemon(true);
				this.renewer = renewer;
				renewer.start();
			}
			return acquired;
		}
		catch (SQLException ex) {
			close();
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
	 * Gives the lock up, by ending its session.
	 */
	@Override
	public void close() {
		Thread renewer;
		synchronized (this) {
			this.held = false;
			renewer = this.renewer;
			this.renewer = null;
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
		if (renewer != null && renewer != Thread.currentThread()) {
			renewer.interrupt();
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
			this.held = this.connection != null && this.connection.isValid(timeoutSeconds());
		}
		catch (SQLException ex) {
			this.held = false;
		}
	}

	private Connection connect() throws SQLException {
		Connection connection = this.dataSource.getConnection();
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
