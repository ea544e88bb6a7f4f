package io.github.outbox.relay;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The embedded relay: while this instance holds the relay lock, makes the database ready
 * ({@link RelayPreparation}) and runs the Debezium engine, and starts it again with the relay's
 * retry delays when it fails. Started and stopped with the application context; stopping lets
 * the current batch finish and commits its position.
 * <p>
 * Logs once per change of state (relaying, standing by, failing and why, running again), never
 * per event or per attempt.
 */
final class OutboxRelay implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OutboxRelay.class);

	private final RelayLeadership leadership;

	private final RelayPreparation preparation;

	private final Supplier<EngineRun> engineRuns;

	private final Duration checkInterval;

	private final BackOff backOff;

	private final Duration shutdownTimeout;

	private final Clock clock;

	private final StandbyWarmUp warmUp;

	private final Object monitor = new Object();

	private volatile boolean running;

	private volatile @Nullable EngineRun current;

	private volatile boolean standingBy;

	private volatile @Nullable Failure failure;

	private @Nullable Thread supervisor;

	OutboxRelay(RelayLeadership leadership, RelayPreparation preparation, Supplier<EngineRun> engineRuns,
			Duration checkInterval, BackOff backOff, Duration shutdownTimeout, Clock clock, StandbyWarmUp warmUp) {
		this.leadership = leadership;
		this.preparation = preparation;
		this.engineRuns = engineRuns;
		this.checkInterval = checkInterval;
		this.backOff = backOff;
		this.shutdownTimeout = shutdownTimeout;
		this.clock = clock;
		this.warmUp = warmUp;
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
			run.close(this.shutdownTimeout);
		}
		Thread thread = this.supervisor;
		if (thread != null) {
			this.leadership.endWait();
			try {
				thread.join(this.shutdownTimeout.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.leadership.close();
		this.warmUp.close();
	}

	@Override
	public void stop(Runnable callback) {
		// Let the context stop other beans meanwhile: the stop waits for Kafka, within bounds.
		Thread stopper = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, "outbox-relay-stop");
		stopper.start();
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
		if (this.failure != null) {
			return State.FAILING;
		}
		if (this.standingBy) {
			return State.STANDING_BY;
		}
		return isRelaying() ? State.RELAYING : State.STARTING;
	}

	/**
	 * Returns why the relay cannot run, while it cannot.
	 * @return the failure, or {@code null}
	 */
	@Nullable Failure failure() {
		return this.failure;
	}

	private void supervise() {
		while (this.running) {
			boolean acquired;
			try {
				// Waits for the lock up to the check interval: it comes the moment its holder's session ends.
				acquired = this.leadership.acquire();
			}
			catch (SQLException ex) {
				if (!this.running) {
					// stop() ended the wait.
					return;
				}
				failed(new Failure("the database cannot be reached: " + ex.getMessage(), null, false), ex);
				pause(this.checkInterval);
				continue;
			}
			if (acquired) {
				logger.info("This instance relays the outbox");
				this.standingBy = false;
				relayWhileLeading();
				this.leadership.close();
			}
			else {
				if (!this.standingBy || this.failure != null) {
					logger.info("Another instance relays the outbox; this one stands by");
					this.standingBy = true;
					this.failure = null;
				}
				this.warmUp.startOnce();
			}
		}
	}

	private void relayWhileLeading() {
		BackOffExecution retries = this.backOff.start();
		while (this.running) {
			if (!this.leadership.isHeld()) {
				lostLock();
				return;
			}
			EngineRun run;
			try {
				this.preparation.beforeStreaming(this.leadership::isHeld);
				if (!this.leadership.isHeld()) {
					// The preparation outlasted the lease: another instance may lead by now.
					lostLock();
					return;
				}
				run = this.engineRuns.get();
			}
			catch (RelayConfigurationException ex) {
				failed(new Failure(ex.getMessage(), ex.getAction(), true), null);
				// Checked again at every check interval: the relay resumes as soon as the operator
				// has done what the report says.
				if (!pauseWhileLeading(this.checkInterval)) {
					return;
				}
				continue;
			}
			catch (DataAccessException ex) {
				failed(new Failure(databaseFailure(ex), null, false), ex);
				if (!pauseWhileLeading(nextDelay(retries))) {
					return;
				}
				continue;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				failed(new Failure("the engine could not be created: " + ex.getMessage(), null, false), ex);
				if (!pauseWhileLeading(nextDelay(retries))) {
					return;
				}
				continue;
			}
			if (!this.running) {
				run.close(this.shutdownTimeout);
				return;
			}
			this.current = run;
			run.start();
			Ending ending = awaitEnd(run);
			this.current = null;
			run.close(this.shutdownTimeout);
			if (!this.running) {
				return;
			}
			switch (ending.reason()) {
				case LOCK_LOST -> {
					lostLock();
					return;
				}
				case PUBLICATION -> {
					// Prepared again at once: the checks say what is wrong, or the gap is replayed.
					logger.debug("Stopped streaming: {}", ending.problem());
					continue;
				}
				case FAILED_AFTER_STREAMING -> {
					retries = this.backOff.start();
					failed(engineFailure(run), run.failureCause());
				}
				case FAILED -> failed(engineFailure(run), run.failureCause());
			}
			if (!pauseWhileLeading(nextDelay(retries))) {
				return;
			}
		}
	}

	/**
	 * Pauses while keeping the lease: a pause longer than it would otherwise cost the lock.
	 * @return whether this instance still holds the lock
	 */
	private boolean pauseWhileLeading(Duration duration) {
		long deadline = System.nanoTime() + duration.toNanos();
		while (this.running) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return true;
			}
			pause(Duration.ofNanos(Math.min(remaining, this.checkInterval.toNanos())));
			if (!this.leadership.isHeld()) {
				lostLock();
				return false;
			}
		}
		return true;
	}

	private static String databaseFailure(DataAccessException ex) {
		boolean unreachable = ex instanceof CannotGetJdbcConnectionException
				|| ex instanceof DataAccessResourceFailureException || lostDatabase(ex);
		return (unreachable ? "the database cannot be reached: " : "a statement on the database failed: ")
				+ ex.getMostSpecificCause().getMessage();
	}

	private static Failure engineFailure(EngineRun run) {
		String failure = run.failure();
		String description = (failure != null) ? failure : "the engine ended";
		return new Failure(lostDatabase(run.failureCause()) ? "the database cannot be reached: " + description
				: description, null, false);
	}

	/**
	 * Whether a failure comes from the connection to the database going: a connection error
	 * (SQLState class 08) or the server shutting down (57P01 to 57P03), anywhere in its causes.
	 * The one rule for the relay's checks and its engine alike.
	 */
	private static boolean lostDatabase(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Waits for the run to end while this instance keeps the lock and the publication stays.
	 */
	private Ending awaitEnd(EngineRun run) {
		boolean streamed = false;
		try {
			while (this.running && !run.isDone()) {
				if (!this.leadership.isHeld()) {
					return new Ending(Reason.LOCK_LOST, null);
				}
				String publication = problemWithPublication();
				if (publication != null) {
					return new Ending(Reason.PUBLICATION, publication);
				}
				run.awaitDone(this.checkInterval);
				// Running again only once a batch went through: an engine that streams and then fails on
				// its first batch, again and again, keeps failing with a growing delay.
				if (!streamed && run.isStreaming() && run.hasDelivered()) {
					streamed = true;
					recovered();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return new Ending(streamed ? Reason.FAILED_AFTER_STREAMING : Reason.FAILED, null);
	}

	private @Nullable String problemWithPublication() {
		try {
			return this.preparation.publicationProblem();
		}
		catch (DataAccessException ex) {
			// The engine notices an unreachable database by itself.
			return null;
		}
	}

	private void lostLock() {
		logger.warn("This instance lost the relay lock (its database session ended); it stops relaying so that another "
				+ "instance can take over");
	}

	// Logs when the relay starts failing and when the reason changes; a failure that needs an
	// operator at ERROR, with what to do.
	private void failed(Failure failure, @Nullable Throwable cause) {
		Failure previous = this.failure;
		if (previous != null && previous.description().equals(failure.description())) {
			logger.debug("The relay stopped again: {}", failure.description());
			return;
		}
		this.failure = (previous != null) ? failure.since(previous.since()) : failure.since(this.clock.instant());
		if (failure.needsOperator()) {
			logger.error("The relay cannot run: {} {}", failure.description(),
					Objects.requireNonNullElse(failure.action(), ""));
		}
		else {
			logger.warn("The relay stopped: {}; it starts again with a growing delay until it runs", failure.description(),
					cause);
		}
	}

	private void recovered() {
		if (this.failure != null) {
			logger.info("The relay runs again");
			this.failure = null;
		}
	}

	private Duration nextDelay(BackOffExecution retries) {
		long delay = retries.nextBackOff();
		return (delay != BackOffExecution.STOP) ? Duration.ofMillis(delay) : this.checkInterval;
	}

	private void pause(Duration duration) {
		synchronized (this.monitor) {
			if (this.running) {
				try {
					this.monitor.wait(Math.max(1, duration.toMillis()));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

	/**
	 * What an instance's relay is doing.
	 */
	enum State {

		/** This instance holds the relay lock and streams. */
		RELAYING,

		/** This instance holds the lock and its engine is starting. */
		STARTING,

		/** The relay cannot run; it tries again with a growing delay. */
		FAILING,

		/** Another instance relays; this one takes over if it stops. */
		STANDING_BY,

		/** The relay is not running in this instance. */
		STOPPED

	}

	/**
	 * Why the relay cannot run.
	 *
	 * @param description what is wrong
	 * @param action what to do, when an operator must act
	 * @param needsOperator whether it lasts until someone acts, rather than passing by itself
	 * @param since when the relay started failing
	 */
	record Failure(String description, @Nullable String action, boolean needsOperator, Instant since) {

		Failure(String description, @Nullable String action, boolean needsOperator) {
			this(description, action, needsOperator, Instant.EPOCH);
		}

		Failure since(Instant since) {
			return new Failure(this.description, this.action, this.needsOperator, since);
		}

	}

	private enum Reason {

		/** The engine ended before it streamed. */
		FAILED,

		/** The engine streamed, then ended. */
		FAILED_AFTER_STREAMING,

		/** The lock's session ended. */
		LOCK_LOST,

		/** The publication went away or was created again. */
		PUBLICATION

	}

	private record Ending(Reason reason, @Nullable String problem) {

	}

}
