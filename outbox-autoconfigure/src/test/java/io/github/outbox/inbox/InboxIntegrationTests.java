package io.github.outbox.inbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.outbox.Inbox;
import io.github.outbox.OutboxEventUpcaster;
import io.github.outbox.ReceivedEvent;
import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @Inbox} listeners against a real PostgreSQL and Kafka: each event processed once,
 * whatever Kafka redelivers, and records that cannot be processed sent to the dead-letter
 * topic.
 */
@DirtiesContext
@SpringBootTest(classes = InboxIntegrationTests.TestApplication.class,
		properties = { "spring.kafka.consumer.auto-offset-reset=earliest", "outbox.inbox.dead-letter.enabled=true",
				"outbox.inbox.dead-letter.attempts=3", "outbox.inbox.dead-letter.backoff=50ms",
				"outbox.inbox.cleanup.enabled=false" })
class InboxIntegrationTests {

	static final String ORDERS = "inbox.orders";

	static final String BATCHES = "inbox.batches";

	static final String CRASHES = "inbox.crashes";

	private static final Duration PROCESSING = Duration.ofSeconds(60);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry, "inbox");
		registry.add("spring.kafka.bootstrap-servers", () -> EmbeddedKafkaServer.shared().bootstrapServers());
	}

	@Autowired
	private KafkaTemplate<String, String> kafka;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private KafkaListenerEndpointRegistry listeners;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private Listeners processing;

	@BeforeEach
	void createProcessingTable() {
		this.jdbcTemplate.execute("CREATE TABLE IF NOT EXISTS shipments (consumer text, event_id text, customer text)");
	}

	@Test
	void sameEventDeliveredTwiceIsProcessedOnce() {
		String id = UUID.randomUUID().toString();
		send(ORDERS, id, "{\"orderId\": \"o-1\", \"customer\": \"alice\"}");
		send(ORDERS, id, "{\"orderId\": \"o-1\", \"customer\": \"alice\"}");
		String marker = send(ORDERS, UUID.randomUUID().toString(), "{\"orderId\": \"o-2\", \"customer\": \"marker\"}");
		awaitProcessed("orders", marker);
		assertThat(processedCount("orders", id)).isOne();
		assertThat(inboxCount("orders", id)).isOne();
	}

	@Test
	void receivedEventCarriesTheRecordsIdTypeKeyPayloadAndHeaders() {
		String id = UUID.randomUUID().toString();
		ProducerRecord<String, String> record = new ProducerRecord<>(ORDERS, "o-7", "{\"orderId\": \"o-7\", \"customer\": \"bob\"}");
		record.headers().add("eventId", id.getBytes(StandardCharsets.UTF_8));
		record.headers().add("eventType", "OrderPlaced".getBytes(StandardCharsets.UTF_8));
		record.headers().add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
		this.kafka.send(record);
		awaitProcessed("orders", id);
		ReceivedEvent<OrderPlaced> event = this.processing.received().get(id);
		assertThat(event.id()).isEqualTo(id);
		assertThat(event.type()).isEqualTo("OrderPlaced");
		assertThat(event.aggregateId()).isEqualTo("o-7");
		assertThat(event.payload()).isEqualTo(new OrderPlaced("o-7", "bob"));
		assertThat(event.headers()).containsExactly(Map.entry("tenant", "acme"));
		assertThat(event.topic()).isEqualTo(ORDERS);
		assertThat(event.offset()).isNotNegative();
	}

	@Test
	void anEventOfAnOlderSchemaVersionIsUpcastBeforeTheListenerReadsIt() {
		String old = UUID.randomUUID().toString();
		ProducerRecord<String, String> first = new ProducerRecord<>(ORDERS, "o-9", "{\"orderId\": \"o-9\", \"buyer\": \"ursula\"}");
		first.headers().add("eventId", old.getBytes(StandardCharsets.UTF_8));
		first.headers().add("eventType", "OrderPlaced".getBytes(StandardCharsets.UTF_8));
		first.headers().add("eventSchemaVersion", "1".getBytes(StandardCharsets.UTF_8));
		this.kafka.send(first);
		String current = UUID.randomUUID().toString();
		ProducerRecord<String, String> second = new ProducerRecord<>(ORDERS, "o-9", "{\"orderId\": \"o-9\", \"customer\": \"victor\"}");
		second.headers().add("eventId", current.getBytes(StandardCharsets.UTF_8));
		second.headers().add("eventType", "OrderPlaced".getBytes(StandardCharsets.UTF_8));
		second.headers().add("eventSchemaVersion", "2".getBytes(StandardCharsets.UTF_8));
		this.kafka.send(second);
		awaitProcessed("orders", current);
		assertThat(this.processing.received().get(old).payload()).isEqualTo(new OrderPlaced("o-9", "ursula"));
		assertThat(this.processing.received().get(old).schemaVersion()).isEqualTo(1);
		assertThat(this.processing.received().get(current).payload()).isEqualTo(new OrderPlaced("o-9", "victor"));
	}

	@Test
	void replayedPartitionIsNotProcessedAgain() throws Exception {
		String first = send(ORDERS, UUID.randomUUID().toString(), "{\"orderId\": \"r-1\", \"customer\": \"replay\"}");
		String second = send(ORDERS, UUID.randomUUID().toString(), "{\"orderId\": \"r-2\", \"customer\": \"replay\"}");
		awaitProcessed("orders", second);
		double duplicatesBefore = duplicates("orders");
		long endOffset = this.processing.received().get(second).offset() + 1;

		MessageListenerContainer container = this.listeners.getListenerContainer("orders");
		container.stop();
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", EmbeddedKafkaServer.shared().bootstrapServers()))) {
			admin.alterConsumerGroupOffsets("orders", Map.of(new TopicPartition(ORDERS, 0), new OffsetAndMetadata(0)))
				.all()
				.get();
		}
		container.start();
		await().atMost(PROCESSING).until(() -> duplicates("orders") >= duplicatesBefore + endOffset - countInvalid());

		assertThat(processedCount("orders", first)).isOne();
		assertThat(processedCount("orders", second)).isOne();
	}

	@Test
	void failedProcessingRecordsNothingAndIsRetriedUntilItSucceeds() {
		String id = send(ORDERS, UUID.randomUUID().toString(), "{\"orderId\": \"f-1\", \"customer\": \"flaky\"}");
		awaitProcessed("orders", id);
		assertThat(this.processing.attempts().get(id)).hasValue(2);
		// The first attempt wrote a shipment, then failed: rolled back with its inbox row.
		assertThat(processedCount("orders", id)).isOne();
		assertThat(inboxCount("orders", id)).isOne();
	}

	@Test
	void eventProcessedButNotAcknowledgedBeforeACrashIsSkippedOnRedelivery() {
		String id = send(CRASHES, UUID.randomUUID().toString(), "{\"orderId\": \"c-1\", \"customer\": \"crash\"}");
		awaitProcessed("crashes", id);
		double duplicatesBefore = duplicates("crashes");

		// The listener never acknowledges: stopping its container commits no offset, as a crash
		// between the database commit and the offset commit would leave it.
		MessageListenerContainer container = this.listeners.getListenerContainer("crashes");
		container.stop();
		container.start();

		await().atMost(PROCESSING).until(() -> duplicates("crashes") > duplicatesBefore);
		assertThat(processedCount("crashes", id)).isOne();
		// Redelivered, recognised, and the listener method not called again.
		assertThat(this.processing.attempts().get(id)).hasValue(1);
	}

	@Test
	void recordsThatCannotBeProcessedGoToTheDeadLetterTopicAndTheListenerCarriesOn() {
		String noId = UUID.randomUUID().toString();
		this.kafka.send(ORDERS, "no-id", "{\"orderId\": \"" + noId + "\", \"customer\": \"nobody\"}");
		String unreadable = send(ORDERS, UUID.randomUUID().toString(), "{not json");
		String failing = send(ORDERS, UUID.randomUUID().toString(), "{\"orderId\": \"p-1\", \"customer\": \"always-fails\"}");
		String good = send(ORDERS, UUID.randomUUID().toString(), "{\"orderId\": \"g-1\", \"customer\": \"good\"}");

		awaitProcessed("orders", good);
		await().atMost(PROCESSING).until(() -> this.processing.deadLetters().size() >= 3);
		assertThat(this.processing.deadLetters()).anySatisfy((letter) -> {
			assertThat(letter.value()).contains(noId);
			assertThat(header(letter, "kafka_dlt-exception-stacktrace")).contains("has no eventId header");
		});
		assertThat(this.processing.deadLetters()).anySatisfy((letter) -> {
			assertThat(header(letter, "eventId")).isEqualTo(unreadable);
			assertThat(header(letter, "kafka_dlt-exception-stacktrace")).contains("cannot be read as");
		});
		assertThat(this.processing.deadLetters()).anySatisfy((letter) -> {
			assertThat(header(letter, "eventId")).isEqualTo(failing);
			assertThat(header(letter, "kafka_dlt-exception-stacktrace")).contains("shipping refused");
		});
		// Unreadable records are not retried; a failing one is, as configured.
		assertThat(this.processing.attempts().get(failing)).hasValue(3);
		assertThat(inboxCount("orders", failing)).isZero();
	}

	@Test
	void batchListenerProcessesEachEventOnceAndSkipsRedeliveredOnes() {
		String first = UUID.randomUUID().toString();
		String second = UUID.randomUUID().toString();
		send(BATCHES, first, "{\"orderId\": \"b-1\", \"customer\": \"batch\"}");
		send(BATCHES, second, "{\"orderId\": \"b-2\", \"customer\": \"batch\"}");
		send(BATCHES, first, "{\"orderId\": \"b-1\", \"customer\": \"batch\"}");
		awaitProcessed("batches", second);
		String marker = send(BATCHES, UUID.randomUUID().toString(), "{\"orderId\": \"b-3\", \"customer\": \"marker\"}");
		send(BATCHES, second, "{\"orderId\": \"b-2\", \"customer\": \"batch\"}");
		awaitProcessed("batches", marker);
		await().atMost(PROCESSING).until(() -> duplicates("batches") >= 2);

		assertThat(processedCount("batches", first)).isOne();
		assertThat(processedCount("batches", second)).isOne();
		assertThat(this.meterRegistry.get("outbox.inbox.processed").tag("consumer", "batches").counter().count())
			.isEqualTo(3);
	}

	private String send(String topic, String eventId, String json) {
		ProducerRecord<String, String> record = new ProducerRecord<>(topic, "key", json);
		record.headers().add("eventId", eventId.getBytes(StandardCharsets.UTF_8));
		record.headers().add("eventType", "OrderPlaced".getBytes(StandardCharsets.UTF_8));
		this.kafka.send(record);
		return eventId;
	}

	private void awaitProcessed(String consumer, String eventId) {
		await().atMost(PROCESSING).until(() -> processedCount(consumer, eventId) > 0);
	}

	private int processedCount(String consumer, String eventId) {
		return this.jdbcTemplate.queryForObject("SELECT count(*) FROM shipments WHERE consumer = ? AND event_id = ?",
				Integer.class, consumer, eventId);
	}

	private int inboxCount(String consumer, String eventId) {
		return this.jdbcTemplate.queryForObject(
				"SELECT count(*) FROM outbox_inbox WHERE consumer = ? AND event_id = ?", Integer.class, consumer, eventId);
	}

	private double duplicates(String consumer) {
		return this.meterRegistry.find("outbox.inbox.duplicates").tag("consumer", consumer).counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private long countInvalid() {
		// Records of the orders topic that never reach the inbox (no id, unreadable, failing).
		return this.processing.deadLetters().size();
	}

	private static String header(ConsumerRecord<String, String> record, String name) {
		org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "";
	}

	record OrderPlaced(String orderId, String customer) {
	}

	static class Listeners {

		private final JdbcTemplate jdbcTemplate;

		final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

		final Map<String, ReceivedEvent<OrderPlaced>> received = new ConcurrentHashMap<>();

		final List<ConsumerRecord<String, String>> deadLetters = new CopyOnWriteArrayList<>();

		Listeners(JdbcTemplate jdbcTemplate) {
			this.jdbcTemplate = jdbcTemplate;
		}

		// Accessors rather than fields: the bean is a proxy (the @Inbox advice), whose own
		// fields are empty.
		public Map<String, AtomicInteger> attempts() {
			return this.attempts;
		}

		public Map<String, ReceivedEvent<OrderPlaced>> received() {
			return this.received;
		}

		public List<ConsumerRecord<String, String>> deadLetters() {
			return this.deadLetters;
		}

		@KafkaListener(id = "orders", topics = ORDERS)
		@Inbox
		public void onOrder(ReceivedEvent<OrderPlaced> event) {
			int attempt = this.attempts.computeIfAbsent(event.id(), (id) -> new AtomicInteger()).incrementAndGet();
			this.received.put(event.id(), event);
			ship("orders", event);
			if ("always-fails".equals(event.payload().customer())
					|| ("flaky".equals(event.payload().customer()) && attempt == 1)) {
				throw new IllegalStateException("shipping refused for " + event.payload().orderId());
			}
		}

		@KafkaListener(id = "batches", topics = BATCHES, batch = "true")
		@Inbox
		public void onBatch(List<ReceivedEvent<OrderPlaced>> events) {
			events.forEach((event) -> ship("batches", event));
		}

		@KafkaListener(id = "crashes", topics = CRASHES, containerFactory = "manualAckContainerFactory")
		@Inbox
		public void onCrash(ReceivedEvent<OrderPlaced> event) {
			this.attempts.computeIfAbsent(event.id(), (id) -> new AtomicInteger()).incrementAndGet();
			ship("crashes", event);
		}

		@KafkaListener(id = "dead-letters", topics = ORDERS + "-dlt")
		public void onDeadLetter(ConsumerRecord<String, String> record) {
			this.deadLetters.add(record);
		}

		private void ship(String consumer, ReceivedEvent<OrderPlaced> event) {
			this.jdbcTemplate.update("INSERT INTO shipments (consumer, event_id, customer) VALUES (?, ?, ?)", consumer,
					event.id(), event.payload().customer());
		}

	}

	@JdbcTestApplication
	static class TestApplication {

		@Bean
		Listeners listeners(JdbcTemplate jdbcTemplate) {
			return new Listeners(jdbcTemplate);
		}

		// Version 1 of OrderPlaced called the customer "buyer".
		@Bean
		OutboxEventUpcaster orderPlacedVersion1() {
			return OutboxEventUpcaster.of("OrderPlaced", 1, (payload) -> {
				ObjectNode order = (ObjectNode) payload;
				order.set("customer", order.remove("buyer"));
				return order;
			});
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		NewTopic orders() {
			return new NewTopic(ORDERS, 1, (short) 1);
		}

		@Bean
		NewTopic ordersDeadLetters() {
			return new NewTopic(ORDERS + "-dlt", 1, (short) 1);
		}

		@Bean
		NewTopic batches() {
			return new NewTopic(BATCHES, 1, (short) 1);
		}

		@Bean
		NewTopic crashes() {
			return new NewTopic(CRASHES, 1, (short) 1);
		}

		@Bean
		ConcurrentKafkaListenerContainerFactory<Object, Object> manualAckContainerFactory(
				ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumerFactory) {
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
			configurer.configure(factory, consumerFactory);
			factory.getContainerProperties().setAckMode(AckMode.MANUAL);
			return factory;
		}

	}

}
