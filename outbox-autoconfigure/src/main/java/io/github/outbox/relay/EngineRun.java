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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the Debezium engine, from its start to its stop or failure, with the Kafka
 * clients it sends through. The relay starts a new run after a failure.
 */
final class EngineRun implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EngineRun.class);

	// How long a stop waits for Kafka to acknowledge the batch in progress, and then for the
	// engine to stop: bounded, so that shutting down never hangs on an unreachable Kafka.
	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

	private final Producer<byte[], byte[]> producer;

	private final @Nullable Admin admin;

	private final KafkaEventSender sender;

	private final CountDownLatch done = new CountDownLatch(1);

	private final CountDownLatch streaming = new CountDownLatch(1);

	// Counted down once the engine streams or has ended, whichever comes first.
	private final CountDownLatch settled = new CountDownLatch(1);

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile @Nullable Throwable failure;

	private volatile @Nullable String failureMessage;

	EngineRun(Properties properties, Producer<byte[], byte[]> producer, @Nullable Admin admin,
			KafkaEventSender sender) {
		this.producer = producer;
		this.admin = admin;
		this.sender = sender;
		this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
			.using(properties)
			.notifying(sender)
			.using(new DebeziumEngine.ConnectorCallback() {

				@Override
				public void taskStarted() {
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

	/**
	 * Stops the engine once the batch in progress is acknowledged; the engine then commits the
	 * position of everything Kafka acknowledged. Closes the Kafka clients last.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		try {
			// An engine stopped while it starts fails with an error of its own (an illegal state
			// change, logged at ERROR): let it finish starting first.
			this.settled.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (!this.sender.drain(CLOSE_TIMEOUT)) {
				logger.warn("Kafka did not acknowledge the batch in progress within {}s; it is sent again at the next "
						+ "start", CLOSE_TIMEOUT.toSeconds());
			}
			// Stopping the engine stops its offset store, whose producer closes without a time
			// limit: with Kafka unreachable that never ends. Stop it aside, and wait a bounded time.
			Thread stopper = new Thread(this::stopEngine, "outbox-relay-engine-stop");
			stopper.setDaemon(true);
			stopper.start();
			if (!this.done.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("The Debezium engine did not stop within {}s (Kafka unreachable?); leaving it to stop on "
						+ "its own", CLOSE_TIMEOUT.toSeconds());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			// Waiting for acknowledgements ends here if Kafka is still away; the position of
			// what was not acknowledged is not committed, so it is sent again next time.
			this.producer.close(Duration.ZERO);
			if (this.admin != null) {
				this.admin.close(Duration.ZERO);
			}
		}
	}

	private void stopEngine() {
		try {
			this.engine.close();
		}
		catch (Exception ex) {
			logger.warn("Stopping the Debezium engine failed", ex);
		}
	}

}
