package io.github.outbox.inbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;
import io.github.outbox.support.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Removes inbox rows older than the retention, periodically and in bounded batches, each its
 * own short transaction. Safe to run on several instances at once: each batch skips the rows
 * another instance is deleting ({@code FOR UPDATE SKIP LOCKED}), so they share the work
 * without waiting for or deadlocking each other.
 */
final class InboxCleanup implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(InboxCleanup.class);

	private final JdbcTemplate jdbcTemplate;

	private final String deleteBatch;

	private final Duration retention;

	private final int batchSize;

	private final PeriodicTask schedule;

	InboxCleanup(DataSource dataSource, OutboxTable table, Duration retention, Duration interval, int batchSize) {
		this.jdbcTemplate = new JdbcTemplate(dataSource);
		this.retention = retention;
		this.batchSize = batchSize;
		this.schedule = new PeriodicTask("Inbox cleanup", "outbox-inbox-cleanup", interval, this::removeExpired);
		this.deleteBatch = "DELETE FROM " + table.qualifiedInboxName() + " WHERE ctid IN (SELECT ctid FROM "
				+ table.qualifiedInboxName() + " WHERE received_at < now() - make_interval(secs => ?) LIMIT ? "
				+ "FOR UPDATE SKIP LOCKED)";
	}

	/**
	 * Removes every expired row, batch by batch.
	 * @return the number of rows removed
	 */
	int removeExpired() {
		long started = System.nanoTime();
		int removed = 0;
		int batch;
		do {
			batch = this.jdbcTemplate.update(this.deleteBatch, this.retention.toSeconds(), this.batchSize);
			removed += batch;
		}
		while (batch == this.batchSize);
		if (removed > 0) {
			logger.info("Removed {} inbox row(s) older than {} in {} ms", removed, this.retention,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		}
		return removed;
	}

	@Override
	public void start() {
		this.schedule.start();
	}

	@Override
	public void stop() {
		this.schedule.stop();
	}

	@Override
	public boolean isRunning() {
		return this.schedule.isRunning();
	}

}
