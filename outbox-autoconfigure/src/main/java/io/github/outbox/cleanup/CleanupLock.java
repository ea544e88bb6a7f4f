package io.github.outbox.cleanup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;

import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Lets one instance at a time clean the outbox: a PostgreSQL session advisory lock, held on a
 * connection of its own while the work runs. If the instance dies mid-run, its session ends
 * and the lock goes with it; the next run, here or elsewhere, carries on from what was
 * committed.
 */
final class CleanupLock {

	static final String LOCK_SQL = "hashtext('io.github.outbox.cleanup'), hashtext(?)";

	private final DataSource dataSource;

	private final String key;

	CleanupLock(DataSource dataSource, OutboxTable table) {
		this.dataSource = dataSource;
		this.key = table.qualifiedName();
	}

	/**
	 * Runs the work unless another session holds the lock.
	 * @param <T> what the work returns
	 * @param work the work
	 * @return what it returned, or empty if another instance is cleaning
	 * @throws SQLException if the lock cannot be taken or released
	 */
	<T> Optional<T> runExclusively(Supplier<T> work) throws SQLException {
		// Not a transaction's connection: the lock must outlive the work's own transactions.
		Connection connection = this.dataSource.getConnection();
		try {
			if (!call(connection, "SELECT pg_try_advisory_lock(" + LOCK_SQL + ")")) {
				return Optional.empty();
			}
			try {
				return Optional.of(work.get());
			}
			finally {
				call(connection, "SELECT pg_advisory_unlock(" + LOCK_SQL + ")");
			}
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	private boolean call(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, this.key);
			try (ResultSet result = statement.executeQuery()) {
				return result.next() && result.getBoolean(1);
			}
		}
	}

}
