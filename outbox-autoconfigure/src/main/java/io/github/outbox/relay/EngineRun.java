package io.github.outbox.relay;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * One run of the Debezium engine, from its start to its stop or failure, with the producer it
 * sends through and the position table it records to. The relay starts a new run after a
 * failure.
 */
final class EngineRun implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EngineRun.class);

	private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

	private final DefaultKafkaProducerFactory<byte[], byte[]> producers;

	private final BatchSender sender;

	private final String positionTable;

	private final CountDownLatch done = new CountDownLatch(1);

	private final CountDownLatch streaming = new CountDownLatch(1);

	// Counted down once the engine streams or has ended, whichever comes first.
	private final CountDownLatch settled = new CountDownLatch(1);

	private final AtomicBoolean closing = new AtomicBoolean();

	// Counted down once the first close has done all it does: a second close waits for it.
	private final CountDownLatch closed = new CountDownLatch(1);

	private volatile @Nullable Throwable failure;

	private volatile @Nullable String failureMessage;

	EngineRun(Properties settings, RelayPositionTable positions, DefaultKafkaProducerFactory<byte[], byte[]> producers,
			SenderFactory senders) {
		this.producers = producers;
		this.positionTable = RelayPositionStore.register(positions);
		Properties properties = new Properties();
		properties.putAll(settings);
		properties.setProperty(RelayPositionStore.TABLE, this.positionTable);
		this.sender = senders.create(producers.createProducer());
		this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
			.using(properties)
			.notifying(this.sender)
			.using(new DebeziumEngine.ConnectorCallback() {

				// Not taskStarted(): the engine refuses to stop until its tasks are fully started,
				// which they are once it polls them.
				@Override
				public void pollingStarted() {
					EngineRun.this.streaming.countDown();
					EngineRun.this.settled.countDown();
				}

			})
			.using((success, message, error) -> {
				if (!success) {
					this.failureMessage = message;
					this.failure = error;
				}
				this.done.countDown();
				this.settled.countDown();
			})
			.build();
	}

	void start() {
		Thread thread = new Thread(this.engine, "outbox-relay-engine");
		thread.setDaemon(true);
		thread.start();
	}

	boolean isStreaming() {
		return this.streaming.getCount() == 0 && !isDone();
	}

	boolean isDone() {
		return this.done.getCount() == 0;
	}

	/**
	 * Returns whether this run has delivered a whole batch (or a heartbeat), so that it counts as
	 * running rather than as one more attempt that fails.
	 * @return whether a batch went through
	 */
	boolean hasDelivered() {
		return this.sender.batchesFinished() > 0;
	}

	void awaitDone(Duration timeout) throws InterruptedException {
		this.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Returns why the run ended, if it failed.
	 * @return a description of the failure, or {@code null} if it did not fail
	 */
	@Nullable String failure() {
		if (this.failureMessage == null && this.failure == null) {
			return null;
		}
		Throwable root = this.failure;
		while (root != null && root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return this.failureMessage + ((root != null && root != this.failure) ? " (" + root.getMessage() + ")" : "");
	}

	@Nullable Throwable failureCause() {
		return this.failure;
	}

	@Override
	public void close() {
		close(Duration.ofSeconds(20));
	}

	/**
	 * Stops the engine once the batch in progress is acknowledged; the engine then commits the
	 * position of everything Kafka acknowledged. Closes the producer last. Returns within about
	 * the timeout whatever Kafka does: what was not acknowledged by then is sent again at the
	 * next start.
	 * @param timeout how long the stop may take
	 */
	void close(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		if (!this.closing.compareAndSet(false, true)) {
			// Another thread closes this run: return once it has, so that the caller does not
			// give the relay up while the engine still drains.
			try {
				this.closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return;
		}
		try {
			// An engine stopped while it starts fails with an error of its own (an illegal state
			// change, logged at ERROR): let it finish starting first.
			this.settled.await(remaining(deadline), TimeUnit.MILLISECONDS);
			if (!this.sender.drain(Duration.ofMillis(remaining(deadline) / 2))) {
				logger.warn("Kafka did not acknowledge the batch in progress in time; it is sent again at the next start");
			}
			// The engine's stop waits for its task; do it aside, and wait a bounded time.
			Thread stopper = new Thread(this::stopEngine, "outbox-relay-engine-stop");
			stopper.setDaemon(true);
			stopper.start();
			if (!this.done.await(Math.max(1000, remaining(deadline)), TimeUnit.MILLISECONDS)) {
				logger.warn("The Debezium engine did not stop in time; leaving it to stop on its own");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			// Waiting for acknowledgements ends here if Kafka is still away; the position of
			// what was not acknowledged is not committed, so it is sent again next time.
			this.producers.reset();
			RelayPositionStore.unregister(this.positionTable);
			this.closed.countDown();
		}
	}

	private static long remaining(long deadline) {
		return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
	}

	private void stopEngine() {
		while (!isDone()) {
			try {
				this.engine.close();
				return;
			}
			catch (IllegalStateException ex) {
				// Still starting its tasks (it refuses to stop then): try again shortly.
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			catch (Exception ex) {
				logger.warn("Stopping the Debezium engine failed", ex);
				return;
			}
		}
	}

	/**
	 * Creates the sender of a run, given the run's producer.
	 */
	@FunctionalInterface
	interface SenderFactory {

		BatchSender create(org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer);

	}

}
