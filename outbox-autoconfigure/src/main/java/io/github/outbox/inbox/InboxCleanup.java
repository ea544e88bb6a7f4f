package io.github.outbox.inbox;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
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

	private final Duration interval;

	private final int batchSize;

	private @Nullable ScheduledExecutorService executor;

	private boolean failing;

	InboxCleanup(DataSource dataSource, OutboxTable table, Duration retention, Duration interval, int batchSize) {
		this.jdbcTemplate = new JdbcTemplate(dataSource);
		this.retention = retention;
		this.interval = interval;
		this.batchSize = batchSize;
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

	private void run() {
		try {
			removeExpired();
			if (this.failing) {
				logger.info("Inbox cleanup works again");
				this.failing = false;
			}
		}
		catch (DataAccessException ex) {
			if (!this.failing) {
				logger.warn("Inbox cleanup failed; it tries again in {}", this.interval, ex);
				this.failing = true;
			}
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "outbox-inbox-cleanup");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::run, this.interval.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
		this.executor = scheduler;
	}

	@Override
	public void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

}
