package io.github.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The embedded relay: while this instance holds the relay lock, runs the Debezium engine, and
 * restarts it with a growing delay when it fails. Started and stopped with the application
 * context; stopping lets the current batch finish and commits its position.
 * <p>
 * Logs once per change of state (relaying, standing by, failing, recovered), never per event.
 */
final class OutboxRelay implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OutboxRelay.class);

	private final RelayLeadership leadership;

	private final Supplier<EngineRun> engineRuns;

	private final Duration checkInterval;

	private final BackOff backOff;

	private final Object monitor = new Object();

	private volatile boolean running;

	private volatile @Nullable EngineRun current;

	private volatile boolean standingBy;

	private volatile @Nullable Instant failingSince;

	private @Nullable Thread supervisor;

	OutboxRelay(RelayLeadership leadership, Supplier<EngineRun> engineRuns, Duration checkInterval, BackOff backOff) {
		this.leadership = leadership;
		this.engineRuns = engineRuns;
		this.checkInterval = checkInterval;
		this.backOff = backOff;
	}

	@Override
	public void start() {
		this.running = true;
		// Not a daemon: a service that only relays must keep running, as it would with a
		// listener container; the context's shutdown stops this thread.
		Thread thread = new Thread(this::supervise, "outbox-relay");
		this.supervisor = thread;
		thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
		EngineRun run = this.current;
		if (run != null) {
			run.close();
		}
		Thread thread = this.supervisor;
		if (thread != null) {
			try {
				thread.join(Duration.ofSeconds(30).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.leadership.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Returns whether this instance is relaying: it holds the lock and its engine streams.
	 * @return whether events flow through this instance
	 */
	boolean isRelaying() {
		EngineRun run = this.current;
		return run != null && run.isStreaming();
	}

	/**
	 * Returns what this instance's relay is doing.
	 * @return the state
	 */
	State state() {
		if (!this.running) {
			return State.STOPPED;
		}
		if (this.standingBy) {
			return State.STANDING_BY;
		}
		if (this.failingSince != null) {
			return State.FAILING;
		}
		return isRelaying() ? State.RELAYING : State.STARTING;
	}

	/**
	 * Returns since when the relay has been failing to run, if it is.
	 * @return when it started failing, or {@code null}
	 */
	@Nullable Instant failingSince() {
		return this.failingSince;
	}

	private void supervise() {
		while (this.running) {
			if (this.leadership.tryAcquire()) {
				logger.info("This instance relays the outbox");
				this.standingBy = false;
				relayWhileLeading();
				this.leadership.close();
			}
			else {
				if (!this.standingBy) {
					logger.info("Another instance relays the outbox; this one stands by");
					this.standingBy = true;
				}
				pause(this.checkInterval.toMillis());
			}
		}
	}

	private void relayWhileLeading() {
		BackOffExecution retries = this.backOff.start();
		this.failingSince = null;
		while (this.running) {
			EngineRun run;
			try {
				run = this.engineRuns.get();
			}
			catch (RuntimeException ex) {
				failed("the engine could not be created: " + ex.getMessage(), ex);
				pause(nextDelay(retries));
				continue;
			}
			this.current = run;
			run.start();
			Outcome outcome = awaitEnd(run);
			this.current = null;
			run.close();
			if (!this.running) {
				return;
			}
			if (outcome == Outcome.LOCK_LOST) {
				logger.warn("This instance lost the relay lock (its database session ended); it stops relaying so "
						+ "that another instance can take over");
				return;
			}
			if (outcome == Outcome.FAILED_AFTER_STREAMING) {
				retries = this.backOff.start();
			}
			String failure = run.failure();
			failed((failure != null) ? failure : "the engine ended", run.failureCause());
			pause(nextDelay(retries));
		}
	}

	// Warns when the relay starts failing; while it keeps failing, only at DEBUG.
	private void failed(String failure, @Nullable Throwable cause) {
		if (this.failingSince != null) {
			logger.debug("The relay stopped again: {}", failure);
			return;
		}
		this.failingSince = Instant.now();
		logger.warn("The relay stopped: {}; it restarts with a growing delay until it runs again", failure, cause);
	}

	private long nextDelay(BackOffExecution retries) {
		long delay = retries.nextBackOff();
		return (delay != BackOffExecution.STOP) ? delay : this.checkInterval.toMillis();
	}

	/**
	 * Waits for the run to end while this instance keeps the lock.
	 */
	private Outcome awaitEnd(EngineRun run) {
		boolean streamed = false;
		try {
			while (this.running && !run.isDone()) {
				if (!this.leadership.isHeld()) {
					return Outcome.LOCK_LOST;
				}
				run.awaitDone(this.checkInterval);
				if (!streamed && run.isStreaming()) {
					streamed = true;
					if (this.failingSince != null) {
						logger.info("The relay runs again");
						this.failingSince = null;
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return streamed ? Outcome.FAILED_AFTER_STREAMING : Outcome.FAILED;
	}

	/**
	 * What an instance's relay is doing.
	 */
	enum State {

		/** This instance holds the relay lock and streams. */
		RELAYING,

		/** This instance holds the lock and its engine is starting. */
		STARTING,

		/** The engine keeps failing; it is restarted with a growing delay. */
		FAILING,

		/** Another instance relays; this one takes over if it stops. */
		STANDING_BY,

		/** The relay is not running in this instance. */
		STOPPED

	}

	private enum Outcome {

		/** The engine ended before it streamed. */
		FAILED,

		/** The engine streamed, then ended. */
		FAILED_AFTER_STREAMING,

		/** The lock's session ended. */
		LOCK_LOST

	}

	private void pause(long millis) {
		synchronized (this.monitor) {
			if (this.running) {
				try {
					this.monitor.wait(millis);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

}
