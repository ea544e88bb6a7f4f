package io.github.outbox.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which instance relays: the one holding a PostgreSQL session-level advisory lock,
 * taken on a connection of its own and kept for as long as it relays. When that instance
 * stops or dies, its session ends, PostgreSQL releases the lock and a standing-by instance
 * takes it at its next attempt.
 * <p>
 * The replication slot admits one reader at a time anyway; the lock makes the others wait
 * quietly instead of failing against the slot.
 */
final class RelayLeadership implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RelayLeadership.class);

	// Two-key form: the first key keeps clear of advisory locks the application takes itself.
	private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext('io.github.outbox.relay'), hashtext(?))";

	private final RelayDatabase database;

	private final String slotName;

	private @Nullable Connection connection;

	RelayLeadership(RelayDatabase database, String slotName) {
		this.database = database;
		this.slotName = slotName;
	}

	/**
	 * Tries to become the relaying instance.
	 * @return whether this instance holds the lock now
	 */
	synchronized boolean tryAcquire() {
		try {
			if (this.connection == null || this.connection.isClosed()) {
				this.connection = this.database.connect("failover lock");
			}
			try (PreparedStatement tryLock = this.connection.prepareStatement(TRY_LOCK)) {
				tryLock.setString(1, this.slotName);
				try (ResultSet result = tryLock.executeQuery()) {
					result.next();
					return result.getBoolean(1);
				}
			}
		}
		catch (SQLException ex) {
			logger.debug("Could not try the relay lock", ex);
			close();
			return false;
		}
	}

	/**
	 * Checks that the lock is still held: it is for as long as its session lives.
	 * @return whether the lock is held
	 */
	synchronized boolean isHeld() {
		try {
			return this.connection != null && this.connection.isValid(5);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/**
	 * Gives the lock up, by ending its session.
	 */
	@Override
	public synchronized void close() {
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

}
