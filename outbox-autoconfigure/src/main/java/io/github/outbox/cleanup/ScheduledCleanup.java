package io.github.outbox.cleanup;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.outbox.cleanup.CleanupMetrics.Outcome;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * Runs a {@link CleanupJob} periodically on one instance at a time, and says what it did: a
 * log line at INFO when it removed or created something, metrics for every run, a warning
 * with the cause when it starts failing and a line when it works again.
 */
final class ScheduledCleanup implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ScheduledCleanup.class);

	private final CleanupJob job;

	private final CleanupLock lock;

	private final CleanupMetrics metrics;

	private final Duration interval;

	private final Clock clock;

	private @Nullable ScheduledExecutorService executor;

	private volatile boolean failing;

	ScheduledCleanup(CleanupJob job, CleanupLock lock, CleanupMetrics metrics, Duration interval, Clock clock) {
		this.job = job;
		this.lock = lock;
		this.metrics = metrics;
		this.interval = interval;
		this.clock = clock;
	}

	/**
	 * Runs the job once, unless another instance is running it.
	 * @return what it did, or empty if it was skipped or failed
	 */
	Optional<CleanupReport> runOnce() {
		return runOnce(this.clock.instant());
	}

	Optional<CleanupReport> runOnce(Instant now) {
		long started = System.nanoTime();
		try {
			Optional<CleanupReport> report = this.lock.runExclusively(() -> this.job.run(now));
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			this.metrics.ran(this.job.strategy(), report.isPresent() ? Outcome.SUCCESS : Outcome.SKIPPED, took,
					report.orElse(CleanupReport.NOTHING));
			report.filter(CleanupReport::didSomething)
				.ifPresent((done) -> logger.info("Outbox cleanup ({}) {} in {} ms", this.job.strategy(), done,
						took.toMillis()));
			if (this.failing) {
				logger.info("Outbox cleanup ({}) works again", this.job.strategy());
				this.failing = false;
			}
			return report;
		}
		catch (DataAccessException | SQLException ex) {
			this.metrics.ran(this.job.strategy(), Outcome.FAILURE, Duration.ofNanos(System.nanoTime() - started),
					CleanupReport.NOTHING);
			if (!this.failing) {
				logger.warn("Outbox cleanup ({}) failed; it tries again every {}", this.job.strategy(), this.interval, ex);
				this.failing = true;
			}
			return Optional.empty();
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "outbox-cleanup");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(() -> runOnce(), this.interval.toMillis(), this.interval.toMillis(),
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
