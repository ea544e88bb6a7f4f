package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.debezium.DebeziumException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BatchSender}, against Kafka's {@link MockProducer} and a committer that
 * records what the engine is told.
 */
@ExtendWith(OutputCaptureExtension.class)
class BatchSenderTests {

	private final ExecutorService engine = Executors.newSingleThreadExecutor();

	private final RecordingCommitter committer = new RecordingCommitter();

	private final KafkaAvailability kafka = new KafkaAvailability("kafka:9092", Clock.systemUTC());

	private final RelayActivity activity = new RelayActivity(Clock.systemUTC());

	@AfterEach
	void stopEngine() {
		this.engine.shutdownNow();
	}

	@Test
	void recordsAreMarkedProcessedOnlyOnceKafkaAcknowledgedThemInOrder() throws Exception {
		MockProducer<byte[], byte[]> producer = producer();
		List<RecordChangeEvent<SourceRecord>> batch = List.of(event("a"), event("b"), event("c"));
		Future<?> sending = handle(sender(producer), batch);

		await().until(() -> producer.history().size() == 3);
		assertThat(this.committer.marked).isEmpty();
		producer.completeNext();
		await().until(() -> this.committer.marked.size() == 1);
		assertThat(this.committer.batchesFinished).isZero();
		producer.completeNext();
		producer.completeNext();
		sending.get(5, TimeUnit.SECONDS);

		assertThat(this.committer.marked).containsExactlyElementsOf(batch);
		assertThat(this.committer.batchesFinished).isOne();
		assertThat(producer.history()).extracting((record) -> new String(record.key())).containsExactly("a", "b", "c");
		assertThat(this.activity.lastDelivery()).isNotNull();
	}

	@Test
	void heartbeatsMoveThePositionWithoutBeingSent() throws Exception {
		MockProducer<byte[], byte[]> producer = producer();
		RecordChangeEvent<SourceRecord> heartbeat = heartbeat();
		Future<?> sending = handle(sender(producer), List.of(heartbeat));
		sending.get(5, TimeUnit.SECONDS);
		assertThat(producer.history()).isEmpty();
		assertThat(this.committer.marked).containsExactly(heartbeat);
	}

	@Test
	void recordTheProducerCouldNotTakeIsOfferedAgainBeforeAnyLaterOne(CapturedOutput output) throws Exception {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
				new ByteArraySerializer()) {

			private final AtomicInteger refusals = new AtomicInteger(2);

			@Override
			public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
				// What KafkaProducer returns when metadata does not come within max.block.ms.
				if ("b".equals(new String(record.key())) && this.refusals.getAndDecrement() > 0) {
					return CompletableFuture.failedFuture(new TimeoutException("Topic not present in metadata"));
				}
				return super.send(record);
			}

		};
		handle(sender(producer), List.of(event("a"), event("b"), event("c"))).get(5, TimeUnit.SECONDS);

		assertThat(producer.history()).extracting((record) -> new String(record.key())).containsExactly("a", "b", "c");
		assertThat(this.committer.marked).hasSize(3);
		assertThat(output).containsOnlyOnce("Kafka is unavailable at kafka:9092 (Topic not present in metadata)")
			.containsOnlyOnce("Kafka is available again");
		assertThat(this.kafka.unavailableSince()).isNull();
	}

	@Test
	void recordKafkaRefusesForGoodStopsTheBatchThereAndIsNotSkipped() throws Exception {
		MockProducer<byte[], byte[]> producer = producer();
		List<RecordChangeEvent<SourceRecord>> batch = List.of(event("a"), event("b"), event("c"));
		Future<?> sending = handle(sender(producer), batch);
		await().until(() -> producer.history().size() == 3);
		producer.completeNext();
		producer.errorNext(new RecordTooLargeException("The message is 2000000 bytes"));
		producer.completeNext();

		assertThatExceptionOfType(Exception.class).isThrownBy(() -> sending.get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(DebeziumException.class)
			.isNotInstanceOf(RetriableException.class)
			.withMessageContaining("Kafka refused an outbox event: The message is 2000000 bytes")
			.withMessageContaining("rather than skip it");
		assertThat(this.committer.marked).containsExactly(batch.get(0));
		assertThat(this.committer.batchesFinished).isZero();
	}

	@Test
	void slotPositionAcknowledgedIsThatOfTheLastRecordMarkedAndNeverOneKafkaRefused() throws Exception {
		MockProducer<byte[], byte[]> producer = producer();
		List<RecordChangeEvent<SourceRecord>> batch = List.of(event("a", Map.of("lsn_proc", 10L)),
				event("b", Map.of("lsn_commit", 20L, "lsn_proc", 25L)), event("c", Map.of("lsn_commit", 30L)));
		Future<?> sending = handle(sender(producer), batch);
		await().until(() -> producer.history().size() == 3);
		producer.completeNext();
		producer.completeNext();
		producer.errorNext(new RecordTooLargeException("The message is 2000000 bytes"));
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> sending.get(5, TimeUnit.SECONDS));

		// What Debezium confirms to the slot for b: its last commit, not the change after it.
		assertThat(this.activity.isAcknowledgedThrough(20)).isTrue();
		assertThat(this.activity.isAcknowledgedThrough(21)).isFalse();
		this.activity.forgetAcknowledged();
		assertThat(this.activity.isAcknowledgedThrough(0)).isFalse();
	}

	@Test
	void waitingForKafkaIsReportedOnceAndItsReturnOnce(CapturedOutput output) throws Exception {
		MockProducer<byte[], byte[]> producer = producer();
		Future<?> sending = handle(sender(producer), List.of(event("a")));
		await().until(() -> this.kafka.unavailableSince() != null);
		Thread.sleep(200); // several patience periods go by without an acknowledgement
		producer.completeNext();
		sending.get(5, TimeUnit.SECONDS);
		assertThat(output).containsOnlyOnce("Kafka is unavailable at kafka:9092 (no acknowledgement within")
			.containsOnlyOnce("Kafka is available again after");
		assertThat(this.kafka.unavailableSince()).isNull();
	}

	@Test
	void drainWaitsForTheBatchInProgressThenLeavesNewBatchesUnmarked() throws Exception {
		MockProducer<byte[], byte[]> producer = producer();
		BatchSender sender = sender(producer);
		Future<?> sending = handle(sender, List.of(event("a")));
		await().until(() -> producer.history().size() == 1);
		assertThat(sender.drain(Duration.ofMillis(50))).as("idle while a record waits").isFalse();
		producer.completeNext();
		assertThat(sender.drain(Duration.ofSeconds(5))).isTrue();
		sending.get(5, TimeUnit.SECONDS);

		handle(sender, List.of(event("b"))).get(5, TimeUnit.SECONDS);
		assertThat(producer.history()).hasSize(1);
		assertThat(this.committer.marked).hasSize(1);
	}

	private BatchSender sender(MockProducer<byte[], byte[]> producer) {
		return new BatchSender(producer, new TopicProvisioner(null, this.kafka, new FixedBackOff(10, 3), Duration.ofSeconds(1)), this.kafka,
				this.activity, Duration.ofMillis(20), Clock.systemUTC());
	}

	private static MockProducer<byte[], byte[]> producer() {
		return new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
	}

	private Future<?> handle(BatchSender sender, List<RecordChangeEvent<SourceRecord>> batch) {
		return this.engine.submit(() -> {
			sender.handleBatch(batch, this.committer);
			return null;
		});
	}

	private static RecordChangeEvent<SourceRecord> event(String key) {
		return event(key, Collections.emptyMap());
	}

	private static RecordChangeEvent<SourceRecord> event(String key, Map<String, ?> offset) {
		SourceRecord record = new SourceRecord(Collections.emptyMap(), offset, "outbox.event.order", null,
				Schema.STRING_SCHEMA, key, Schema.STRING_SCHEMA, "{}", System.currentTimeMillis());
		return () -> record;
	}

	private static RecordChangeEvent<SourceRecord> heartbeat() {
		Schema schema = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
			.field("ts_ms", Schema.INT64_SCHEMA)
			.build();
		SourceRecord record = new SourceRecord(Collections.emptyMap(), Collections.emptyMap(), "__debezium-heartbeat",
				null, null, null, schema, new Struct(schema).put("ts_ms", 1L));
		return () -> record;
	}

	private static final class RecordingCommitter
			implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {

		private final List<RecordChangeEvent<SourceRecord>> marked = Collections.synchronizedList(new ArrayList<>());

		private volatile int batchesFinished;

		@Override
		public void markProcessed(RecordChangeEvent<SourceRecord> record) {
			this.marked.add(record);
		}

		@Override
		public void markBatchFinished() {
			this.batchesFinished++;
		}

		@Override
		public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
			this.marked.add(record);
		}

		@Override
		public DebeziumEngine.Offsets buildOffsets() {
			return (key, value) -> {
			};
		}

	}

}
