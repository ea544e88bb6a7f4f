package io.github.outbox.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * A PostgreSQL session-level advisory lock, named by a purpose and a key: held by the session
 * that took it until that session releases it or ends, so that an instance which dies lets the
 * others take over. The one place where the starter's locks are taken (the relay's leadership,
 * the cleanup jobs). Internal to the starter.
 * <p>
 * The two-key form keeps the starter's locks clear of advisory locks the application takes
 * itself, which use the one-key form or other first keys.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class AdvisoryLock {

	// PostgreSQL's SQLSTATE for a lock not granted within lock_timeout.
	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private final String purpose;

	private final String key;

	/**
	 * Creates a lock.
	 * @param purpose what the lock is for, such as {@code io.github.outbox.relay}
	 * @param key what it locks within that purpose, such as a slot or table name
	 */
	public AdvisoryLock(String purpose, String key) {
		this.purpose = purpose;
		this.key = key;
	}

	/**
	 * Takes the lock for the connection's session unless another session holds it. Taking it
	 * again in the session that holds it succeeds (and must be released as often).
	 * @param connection the session, outside any transaction that might end it early
	 * @return whether the session holds the lock now
	 * @throws SQLException if the database cannot be asked
	 */
	public boolean tryAcquire(Connection connection) throws SQLException {
		return call(connection, "pg_try_advisory_lock");
	}

	/**
	 * Takes the lock for the connection's session, waiting in PostgreSQL's lock queue for as
	 * long as the session's {@code lock_timeout} allows: the lock passes to the session the
	 * moment its holder releases it or ends.
	 * @param connection the session, outside any transaction, with a {@code lock_timeout}
	 * @return whether the session holds the lock now; {@code false} if it waited for the
	 * whole {@code lock_timeout}
	 * @throws SQLException if the database cannot be asked
	 */
	public boolean acquireWaiting(Connection connection) throws SQLException {
		try (PreparedStatement statement = prepare(connection, "pg_advisory_lock")) {
			statement.execute();
			return true;
		}
		catch (SQLException ex) {
			if (LOCK_NOT_AVAILABLE.equals(ex.getSQLState())) {
				return false;
			}
			throw ex;
		}
	}

	/**
	 * Releases the lock held by the connection's session.
	 * @param connection the session that holds it
	 * @throws SQLException if the database cannot be asked
	 */
	public void release(Connection connection) throws SQLException {
		call(connection, "pg_advisory_unlock");
	}

	/**
	 * Takes the lock for the current transaction, waiting for it if another session holds it;
	 * the end of the transaction releases it.
	 * @param jdbc access to the transaction's connection
	 */
	public void acquireForTransaction(JdbcOperations jdbc) {
		jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))::text", String.class, this.purpose,
				this.key);
	}

	private boolean call(Connection connection, String function) throws SQLException {
		try (PreparedStatement statement = prepare(connection, function); ResultSet result = statement.executeQuery()) {
			return result.next() && result.getBoolean(1);
		}
	}

	private PreparedStatement prepare(Connection connection, String function) throws SQLException {
		// As text: pg_advisory_lock returns void.
		PreparedStatement statement = connection
			.prepareStatement("SELECT " + function + "(hashtext(?), hashtext(?))::text");
		statement.setString(1, this.purpose);
		statement.setString(2, this.key);
		return statement;
	}

	@Override
	public String toString() {
		return this.purpose + " " + this.key;
	}

}
