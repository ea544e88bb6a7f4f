package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.debezium.DebeziumException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;

/**
 * Sends each batch of routed records to Kafka and marks them processed only once Kafka has
 * acknowledged them, in order, so that the relay's position never passes an event Kafka does
 * not have: delivery is at least once, and in order per partition.
 * <p>
 * While Kafka is away the batch waits: a record the producer has taken is retried by the
 * producer itself (without end, as Kafka Connect sets it for source tasks); a record it could
 * not take (no metadata within {@code max.block.ms}) is offered again before any later record,
 * so that none overtakes it. A record Kafka refuses for good (too large, not authorized) fails
 * the batch: the engine stops there and the relay restarts it from the last position, rather
 * than skip the record. Never a retriable exception: the engine would carry on after the batch.
 */
final class BatchSender implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

	private final Producer<byte[], byte[]> producer;

	private final TopicProvisioner topics;

	private final KafkaAvailability kafka;

	private final RelayActivity activity;

	private final Duration patience;

	private final Clock clock;

	private final Object monitor = new Object();

	private boolean draining;

	private boolean sending;

	private volatile long batchesFinished;

	BatchSender(Producer<byte[], byte[]> producer, TopicProvisioner topics, KafkaAvailability kafka,
			RelayActivity activity, Duration patience, Clock clock) {
		this.producer = producer;
		this.topics = topics;
		this.kafka = kafka;
		this.activity = activity;
		this.patience = patience;
		this.clock = clock;
	}

	@Override
	public void handleBatch(List<RecordChangeEvent<SourceRecord>> events,
			DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
		synchronized (this.monitor) {
			if (this.draining) {
				// Stopping: left unmarked, the batch is read again at the next start.
				return;
			}
			this.sending = true;
		}
		try {
			send(events, committer);
		}
		finally {
			synchronized (this.monitor) {
				this.sending = false;
				this.monitor.notifyAll();
			}
		}
	}

	private void send(List<RecordChangeEvent<SourceRecord>> events,
			DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
		Instant started = this.clock.instant();
		List<@Nullable Future<RecordMetadata>> acknowledgements = new ArrayList<>(events.size());
		List<@Nullable Long> createdAt = new ArrayList<>(events.size());
		DebeziumException refusal = null;
		try {
			for (RecordChangeEvent<SourceRecord> event : events) {
				// Heartbeats carry the position forward but are not sent anywhere.
				if (KafkaRecords.isHeartbeat(event.record())) {
					acknowledgements.add(null);
					continue;
				}
				ProducerRecord<byte[], byte[]> record = KafkaRecords.from(event.record());
				this.topics.ensure(record.topic(), started);
				acknowledgements.add(sendInOrder(record, started));
				createdAt.add(record.timestamp());
			}
		}
		catch (DebeziumException ex) {
			// Mark what went before the refused record, then stop there.
			refusal = ex;
		}
		for (int i = 0; i < acknowledgements.size(); i++) {
			Future<RecordMetadata> acknowledgement = acknowledgements.get(i);
			if (acknowledgement != null) {
				await(acknowledgement, started);
			}
			this.activity.acknowledgedThrough(events.get(i).record().sourceOffset());
			committer.markProcessed(events.get(i));
		}
		this.activity.delivered(createdAt);
		this.kafka.acknowledged();
		if (refusal != null) {
			throw refusal;
		}
		committer.markBatchFinished();
		this.batchesFinished++;
	}

	/**
	 * Returns how many batches went through whole.
	 * @return the number of batches
	 */
	long batchesFinished() {
		return this.batchesFinished;
	}

	private Future<RecordMetadata> sendInOrder(ProducerRecord<byte[], byte[]> record, Instant started)
			throws InterruptedException {
		while (true) {
			Future<RecordMetadata> acknowledgement = this.producer.send(record);
			Throwable notTaken = notTaken(acknowledgement);
			if (notTaken == null) {
				return acknowledgement;
			}
			// The producer waited max.block.ms for metadata or buffer space: Kafka is away, or has
			// no such topic (any more).
			this.kafka.waiting(started, notTaken.getMessage());
			this.topics.recheck(record.topic(), started);
		}
	}

	/**
	 * Returns why the producer did not take a record, if it failed it at once for a reason that
	 * may pass; a record refused for good fails the batch.
	 */
	private static @Nullable Throwable notTaken(Future<RecordMetadata> acknowledgement) {
		if (!acknowledgement.isDone()) {
			return null;
		}
		try {
			acknowledgement.get();
			return null;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RetriableException) {
				return ex.getCause();
			}
			throw refused(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DebeziumException("Interrupted while sending to Kafka", ex);
		}
	}

	private void await(Future<RecordMetadata> acknowledgement, Instant started) throws InterruptedException {
		while (true) {
			try {
				acknowledgement.get(this.patience.toMillis(), TimeUnit.MILLISECONDS);
				return;
			}
			catch (TimeoutException ex) {
				this.kafka.waiting(started, "no acknowledgement within " + this.patience.toSeconds() + "s");
			}
			catch (ExecutionException ex) {
				// The producer retries what it took without end: what fails now never will pass.
				throw refused(ex.getCause());
			}
		}
	}

	/**
	 * Stops taking new batches and waits for the one in progress to be acknowledged and
	 * marked, so that the engine's last commit covers it and a graceful stop sends nothing
	 * twice.
	 * @param timeout how long to wait, for example while Kafka is unreachable
	 * @return whether the sender is idle
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean drain(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			this.draining = true;
			while (this.sending) {
				long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (remaining <= 0) {
					return false;
				}
				this.monitor.wait(remaining);
			}
			return true;
		}
	}

	private static DebeziumException refused(@Nullable Throwable cause) {
		return new DebeziumException("Kafka refused an outbox event: "
				+ ((cause != null) ? cause.getMessage() : "unknown cause")
				+ ". The relay stops at this event rather than skip it; fix the cause and it resumes from here.", cause);
	}

}
