package io.github.outbox.cleanup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Lets one instance at a time clean the outbox: a PostgreSQL session advisory lock, held on a
 * connection of its own while the work runs. If the instance dies mid-run, its session ends
 * and the lock goes with it; the next run, here or elsewhere, carries on from what was
 * committed.
 */
final class CleanupLock {

	static final String LOCK_SQL = "hashtext('io.github.outbox.cleanup'), hashtext(?)";

	private final JdbcTemplate jdbcTemplate;

	private final String key;

	CleanupLock(DataSource dataSource, OutboxTable table) {
		this.jdbcTemplate = new JdbcTemplate(dataSource);
		this.key = table.qualifiedName();
	}

	/**
	 * Runs the work unless another session holds the lock.
	 * @param <T> what the work returns
	 * @param work the work
	 * @return what it returned, or empty if another instance is cleaning
	 * @throws DataAccessException if the lock cannot be taken or released, or the work fails
	 */
	<T> Optional<T> runExclusively(Supplier<T> work) {
		// Called outside any transaction: the connection is the callback's alone, and the lock
		// outlives the work's own transactions, which use other connections.
		return this.jdbcTemplate.execute((Connection connection) -> {
			if (!call(connection, "SELECT pg_try_advisory_lock(" + LOCK_SQL + ")")) {
				return Optional.empty();
			}
			try {
				return Optional.of(work.get());
			}
			finally {
				call(connection, "SELECT pg_advisory_unlock(" + LOCK_SQL + ")");
			}
		});
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
