package io.github.outbox.cleanup;

import java.sql.Connection;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;
import io.github.outbox.support.AdvisoryLock;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Lets one instance at a time clean the outbox: a PostgreSQL session advisory lock, held on a
 * connection of its own while the work runs. If the instance dies mid-run, its session ends
 * and the lock goes with it; the next run, here or elsewhere, carries on from what was
 * committed.
 */
final class CleanupLock {

	private final JdbcTemplate jdbcTemplate;

	private final AdvisoryLock lock;

	CleanupLock(DataSource dataSource, OutboxTable table) {
		this.jdbcTemplate = new JdbcTemplate(dataSource);
		this.lock = lockOf(table);
	}

	/**
	 * Returns the lock the cleanup of a table takes, also while the table is partitioned.
	 * @param table the outbox table
	 * @return its cleanup lock
	 */
	static AdvisoryLock lockOf(OutboxTable table) {
		return new AdvisoryLock("io.github.outbox.cleanup", table.qualifiedName());
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
			if (!this.lock.tryAcquire(connection)) {
				return Optional.empty();
			}
			try {
				return Optional.of(work.get());
			}
			finally {
				this.lock.release(connection);
			}
		});
	}

}
