package io.github.outbox.support;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task at a fixed delay on a daemon thread of its own, and says when it starts failing
 * (once, at WARN, with the cause) and when it works again (at INFO), never at every failed
 * attempt. Internal to the starter.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class PeriodicTask {

	private static final Logger logger = LoggerFactory.getLogger(PeriodicTask.class);

	private final String description;

	private final String threadName;

	private final Duration interval;

	private final Runnable task;

	private @Nullable ScheduledExecutorService executor;

	private volatile boolean failing;

	/**
	 * Creates a task, not started.
	 * @param description what it is, in log lines ("Inbox cleanup")
	 * @param threadName the name of its thread
	 * @param interval the delay between the end of one run and the start of the next, also
	 * before the first
	 * @param task the work; it fails by throwing
	 */
	public PeriodicTask(String description, String threadName, Duration interval, Runnable task) {
		this.description = description;
		this.threadName = threadName;
		this.interval = interval;
		this.task = task;
	}

	public synchronized void start() {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, this.threadName);
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::run, this.interval.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
		this.executor = scheduler;
	}

	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	private void run() {
		try {
			this.task.run();
			if (this.failing) {
				logger.info("{} works again", this.description);
				this.failing = false;
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				logger.warn("{} failed; it tries again every {}", this.description, this.interval, ex);
				this.failing = true;
			}
		}
	}

}
