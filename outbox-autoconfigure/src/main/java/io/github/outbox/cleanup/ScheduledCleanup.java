package io.github.outbox.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.github.outbox.cleanup.CleanupMetrics.Outcome;
import io.github.outbox.support.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * Runs a {@link CleanupJob} periodically on one instance at a time, and says what it did: a
 * log line at INFO when it removed or created something and metrics for every run; its
 * {@link PeriodicTask} warns when runs start failing and says when they work again.
 */
final class ScheduledCleanup implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ScheduledCleanup.class);

	private final CleanupJob job;

	private final CleanupLock lock;

	private final CleanupMetrics metrics;

	private final Clock clock;

	private final PeriodicTask schedule;

	ScheduledCleanup(CleanupJob job, CleanupLock lock, CleanupMetrics metrics, Duration interval, Clock clock) {
		this.job = job;
		this.lock = lock;
		this.metrics = metrics;
		this.clock = clock;
		this.schedule = new PeriodicTask("Outbox cleanup (" + job.strategy() + ")", "outbox-cleanup", interval,
				() -> runOnce(this.clock.instant()));
	}

	/**
	 * Runs the job once, unless another instance is running it.
	 * @param now the current time, as the job sees it
	 * @return what it did, or empty if another instance is running it
	 * @throws DataAccessException if the run failed
	 */
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
			return report;
		}
		catch (DataAccessException ex) {
			this.metrics.ran(this.job.strategy(), Outcome.FAILURE, Duration.ofNanos(System.nanoTime() - started),
					CleanupReport.NOTHING);
			throw ex;
		}
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
