package io.github.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.debezium.DebeziumException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Sends each batch of routed records to Kafka and reports them processed only once Kafka has
 * acknowledged all of them, so that the relay's position never passes an event Kafka does not
 * have: delivery is at least once.
 * <p>
 * Once sent, a record is retried by the producer itself (its delivery timeout is unbounded, as
 * Kafka Connect sets it for source tasks), which keeps each partition in order. A record that
 * cannot be sent at all (no metadata while Kafka is unreachable) stops the batch there: the
 * records before it are awaited and marked, and sending resumes from it once Kafka is back, so
 * that no later event of its partition overtakes it. The wait is logged once when it starts and
 * once when it ends. A record Kafka refuses for good (too large, not authorized) stops the
 * engine rather than being skipped.
 */
final class KafkaEventSender implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

	private static final Logger logger = LoggerFactory.getLogger(KafkaEventSender.class);

	private final RelayActivity activity;

	private final Producer<byte[], byte[]> producer;

	private final @Nullable Admin admin;

	private final BackOff backOff;

	private final Duration patience;

	private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();

	private @Nullable Instant unavailableSince;

	// When the batch in progress started waiting for Kafka, to report how long an outage lasted.
	private Instant batchStarted = Instant.now();

	private final Object batchMonitor = new Object();

	private boolean draining;

	private boolean batchInProgress;

	/**
	 * Creates a sender.
	 * @param producer the producer, idempotent with {@code acks=all}
	 * @param admin creates missing topics, or {@code null} to leave topic creation to others
	 * @param backOff delays between attempts while Kafka is unreachable
	 * @param patience how long to wait for Kafka before reporting it unavailable
	 */
	KafkaEventSender(Producer<byte[], byte[]> producer, @Nullable Admin admin, BackOff backOff, Duration patience,
			RelayActivity activity) {
		this.producer = producer;
		this.activity = activity;
		this.admin = admin;
		this.backOff = backOff;
		this.patience = patience;
	}

	@Override
	public void handleBatch(List<RecordChangeEvent<SourceRecord>> events,
			DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
		synchronized (this.batchMonitor) {
			if (this.draining) {
				// Stopping: leave the batch unmarked; it is read again at the next start.
				return;
			}
			this.batchInProgress = true;
		}
		try {
			send(events, committer);
		}
		finally {
			synchronized (this.batchMonitor) {
				this.batchInProgress = false;
				this.batchMonitor.notifyAll();
			}
		}
	}

	/**
	 * Stops taking new batches and waits for the one in progress to be acknowledged and
	 * marked processed, so that the engine's final commit covers it and a graceful stop sends
	 * nothing twice.
	 * @param timeout how long to wait, for example while Kafka is unreachable
	 * @return whether the sender is idle
	 */
	boolean drain(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.batchMonitor) {
			this.draining = true;
			while (this.batchInProgress) {
				long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (remaining <= 0) {
					return false;
				}
				this.batchMonitor.wait(remaining);
			}
			return true;
		}
	}

	private void send(List<RecordChangeEvent<SourceRecord>> events,
			DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
		this.batchStarted = Instant.now();
		// Heartbeats (null here) carry the position forward but are not sent anywhere.
		List<@Nullable ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
		for (RecordChangeEvent<SourceRecord> event : events) {
			records.add(KafkaRecords.isHeartbeat(event.record()) ? null : KafkaRecords.from(event.record()));
		}
		BackOffExecution retries = this.backOff.start();
		int next = 0;
		while (next < records.size()) {
			// Send in order until a record cannot be sent (no metadata, Kafka unreachable):
			// sending the ones after it could put a later event of its partition before it.
			List<Future<RecordMetadata>> sent = new ArrayList<>();
			Throwable notSent = null;
			for (int i = next; i < records.size() && notSent == null; i++) {
				ProducerRecord<byte[], byte[]> record = records.get(i);
				if (record == null) {
					sent.add(CompletableFuture.completedFuture(null));
					continue;
				}
				ensureTopic(record.topic());
				Future<RecordMetadata> acknowledgement = sendOnce(record);
				notSent = failedBeforeSending(acknowledgement);
				if (notSent == null) {
					sent.add(acknowledgement);
				}
			}
			for (Future<RecordMetadata> acknowledgement : sent) {
				awaitAcknowledgement(acknowledgement);
			}
			List<@Nullable Long> createdAt = new ArrayList<>(sent.size());
			for (int i = next; i < next + sent.size(); i++) {
				committer.markProcessed(events.get(i));
				ProducerRecord<byte[], byte[]> record = records.get(i);
				if (record != null) {
					createdAt.add(record.timestamp());
				}
			}
			this.activity.delivered(createdAt);
			next += sent.size();
			if (notSent != null) {
				unavailable(notSent);
				pause(retries);
			}
		}
		available();
		committer.markBatchFinished();
	}

	private Future<RecordMetadata> sendOnce(ProducerRecord<byte[], byte[]> record) {
		try {
			return this.producer.send(record);
		}
		catch (KafkaException ex) {
			if (ex instanceof RetriableException) {
				return CompletableFuture.failedFuture(ex);
			}
			throw refused(record.topic(), ex);
		}
	}

	/**
	 * Returns why a record was not sent at all, if it was not: the producer gives up waiting
	 * for metadata or buffer space after max.block.ms and returns a failed future.
	 */
	private static @Nullable Throwable failedBeforeSending(Future<RecordMetadata> acknowledgement)
			throws InterruptedException {
		if (!acknowledgement.isDone()) {
			return null;
		}
		try {
			acknowledgement.get();
			return null;
		}
		catch (ExecutionException ex) {
			return (ex.getCause() instanceof RetriableException) ? ex.getCause() : null;
		}
	}

	private void awaitAcknowledgement(Future<RecordMetadata> acknowledgement) throws InterruptedException {
		while (true) {
			try {
				acknowledgement.get(this.patience.toMillis(), TimeUnit.MILLISECONDS);
				return;
			}
			catch (TimeoutException ex) {
				unavailable(new KafkaException("no acknowledgement within " + this.patience.toSeconds() + "s"));
			}
			catch (ExecutionException ex) {
				// The producer retries sent records without end; what fails now never will pass.
				throw refused(null, ex.getCause());
			}
		}
	}

	private void ensureTopic(String topic) throws InterruptedException {
		if (this.admin == null || this.knownTopics.contains(topic)) {
			return;
		}
		BackOffExecution retries = this.backOff.start();
		while (true) {
			try {
				this.admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
					.all()
					.get(this.patience.toMillis(), TimeUnit.MILLISECONDS);
				logger.info("Created topic {}", topic);
				this.knownTopics.add(topic);
				return;
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof TopicExistsException) {
					this.knownTopics.add(topic);
					return;
				}
				if (ex.getCause() instanceof TopicAuthorizationException) {
					logger.warn("The relay may not create topic {}; sending to it as if it existed", topic);
					this.knownTopics.add(topic);
					return;
				}
				unavailable(ex.getCause());
			}
			catch (TimeoutException ex) {
				unavailable(new KafkaException("no answer to creating topic " + topic));
			}
			pause(retries);
		}
	}

	private void unavailable(@Nullable Throwable cause) {
		if (this.unavailableSince == null) {
			this.unavailableSince = this.batchStarted;
			logger.warn("Kafka is unavailable ({}); the relay keeps trying and delivers every event once it is back",
					(cause != null) ? cause.getMessage() : "unknown cause");
		}
	}

	private void available() {
		if (this.unavailableSince != null) {
			logger.info("Kafka is available again after {}s",
					Duration.between(this.unavailableSince, Instant.now()).toSeconds());
			this.unavailableSince = null;
		}
	}

	private void pause(BackOffExecution retries) throws InterruptedException {
		long delay = retries.nextBackOff();
		Thread.sleep((delay != BackOffExecution.STOP) ? delay : this.patience.toMillis());
	}

	private static DebeziumException refused(@Nullable String topic, @Nullable Throwable cause) {
		return new DebeziumException("Kafka refused an outbox event" + ((topic != null) ? " for topic " + topic : "")
				+ ": " + ((cause != null) ? cause.getMessage() : "unknown cause")
				+ ". The relay stops at this event rather than skip it; fix the cause and it resumes from here.", cause);
	}

}
