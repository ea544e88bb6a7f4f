package io.github.outbox.relay;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.OutboxRows;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The embedded relay against a real PostgreSQL, Kafka and Debezium: what a consumer receives,
 * in which order, and what survives stopping the relay.
 */
// Closed after the class, while Kafka and PostgreSQL still run, rather than at JVM exit.
@DirtiesContext
@SpringBootTest(classes = EmbeddedRelayIntegrationTests.TestApplication.class)
class EmbeddedRelayIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	private static final RelayTestSupport relay = RelayTestSupport.create("relay");

	private static KafkaRecordCollector records;

	@DynamicPropertySource
	static void relayProperties(DynamicPropertyRegistry registry) {
		relay.register(registry);
	}

	@BeforeAll
	static void collectRecords() {
		records = relay.collector();
	}

	@AfterAll
	static void stopCollecting() throws InterruptedException {
		records.close();
	}

	@Autowired
	private OutboxPublisher outbox;

	@Autowired
	private TransactionTemplate transaction;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private OutboxRelay outboxRelay;

	@BeforeEach
	void relayIsRunning() {
		if (!this.outboxRelay.isRunning()) {
			this.outboxRelay.start();
		}
		await().atMost(DELIVERY).until(this.outboxRelay::isRelaying);
	}

	@Test
	void committedEventArrivesWithTheDocumentedTopicKeyValueAndHeaders() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> this.outbox
			.publish(OutboxMessage.of("order", orderId.toString(), "OrderPlaced", new OrderPlaced(orderId, new BigDecimal("12.50")))
				.withHeader("tenant", "acme")));
		OutboxRows.Row row = OutboxRows.all(this.jdbcTemplate)
			.stream()
			.filter((candidate) -> candidate.aggregateId().equals(orderId.toString()))
			.findFirst()
			.orElseThrow();

		Received record = awaitRecords(orderId.toString(), 1).get(0);
		assertThat(record.topic()).isEqualTo(relay.topic("order"));
		assertThat(record.key()).isEqualTo(orderId.toString());
		assertThat(record.value()).isEqualTo("{\"total\": 12.50, \"orderId\": \"" + orderId + "\"}");
		// The payload is the @OutboxEvent class OrderPlaced under its own event type: its registered
		// schema version travels with it.
		assertThat(record.headers()).containsExactly(Map.entry("eventId", row.id().toString()),
				Map.entry("eventType", "OrderPlaced"), Map.entry("tenant", "acme"), Map.entry("eventSchemaVersion", "1"));
		assertThat(record.timestamp()).isEqualTo(row.createdAt().toInstant(ZoneOffset.UTC).toEpochMilli());
	}

	@Test
	void annotatedEventArrivesOnItsAggregatesTopicWithItsSchemaVersionAndNoOtherHeaders() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> this.outbox.publish(new OrderPlaced(orderId, BigDecimal.TEN)));
		Received record = awaitRecords(orderId.toString(), 1).get(0);
		assertThat(record.topic()).isEqualTo(relay.topic("order"));
		assertThat(record.headers()).containsOnlyKeys("eventId", "eventType", "eventSchemaVersion");
		assertThat(record.header("eventType")).isEqualTo("OrderPlaced");
		assertThat(record.header("eventSchemaVersion")).isEqualTo("1");
	}

	@Test
	void rolledBackEventNeverArrives() {
		String rolledBack = "rolled-back-" + UUID.randomUUID();
		String committed = "committed-" + UUID.randomUUID();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
				this.outbox.publish(OutboxMessage.of("probe", rolledBack, "Probed", Map.of()));
				throw new IllegalStateException("rolled back");
			}));
		this.transaction.executeWithoutResult(
				(status) -> this.outbox.publish(OutboxMessage.of("probe", committed, "Probed", Map.of())));
		// Events of one table arrive in commit order: once the later one is here, the earlier
		// one would have been too.
		awaitRecords(committed, 1);
		assertThat(recordsWithKey(rolledBack)).isEmpty();
	}

	@Test
	void perAggregateOrderHoldsWithManyConcurrentWritersOverManyAggregates() throws Exception {
		this.jdbcTemplate.execute("CREATE TABLE IF NOT EXISTS aggregate_versions (id text PRIMARY KEY, version int)");
		String run = UUID.randomUUID().toString().substring(0, 8);
		int writers = 8;
		int eventsPerWriter = 100;
		int aggregates = 40;
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int w = 0; w < writers; w++) {
				done.add(pool.submit(() -> {
					for (int i = 0; i < eventsPerWriter; i++) {
						String aggregate = run + "-" + ThreadLocalRandom.current().nextInt(aggregates);
						this.transaction.executeWithoutResult((status) -> {
							// The row lock serializes the transactions of one aggregate, so the
							// version is the aggregate's commit order.
							Integer version = this.jdbcTemplate.queryForObject("""
									INSERT INTO aggregate_versions (id, version) VALUES (?, 1)
									ON CONFLICT (id) DO UPDATE SET version = aggregate_versions.version + 1
									RETURNING version""", Integer.class, aggregate);
							this.outbox.publish(OutboxMessage.of("counter", aggregate, "Incremented", Map.of("version", version)));
						});
					}
				}));
			}
			for (Future<?> writer : done) {
				writer.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		int total = writers * eventsPerWriter;
		await().atMost(DELIVERY).until(() -> recordsOfRun(run).size() >= total);

		Map<String, List<Integer>> versionsByAggregate = new TreeMap<>();
		for (Received record : recordsOfRun(run)) {
			assertThat(record.topic()).isEqualTo(relay.topic("counter"));
			versionsByAggregate.computeIfAbsent(record.key(), (key) -> new ArrayList<>())
				.add(Integer.parseInt(record.value().replaceAll("\\D", "")));
		}
		assertThat(versionsByAggregate.values().stream().mapToInt(List::size).sum()).isEqualTo(total);
		versionsByAggregate.forEach((aggregate, versions) -> assertThat(versions).as(aggregate)
			.isEqualTo(IntStream.rangeClosed(1, versions.size()).boxed().toList()));
	}

	@Test
	void eventsCommittedWhileTheRelayIsStoppedArriveOnceItRestarts() throws Exception {
		List<String> committed = Collections.synchronizedList(new ArrayList<>());
		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = new Thread(() -> {
			while (writing.get()) {
				String id = UUID.randomUUID().toString();
				this.transaction
					.executeWithoutResult((status) -> this.outbox.publish(OutboxMessage.of("ticket", id, "Issued", Map.of())));
				committed.add(id);
			}
		});
		writer.start();
		try {
			await().atMost(DELIVERY).until(() -> recordsOn("ticket").size() >= 50);
			assertThat(kafkaClientThreadsOfThisRelay()).isNotEmpty();
			this.outboxRelay.stop();
			assertThat(kafkaClientThreadsOfThisRelay()).as("Kafka client threads after the relay stopped").isEmpty();
			int committedAtStop = committed.size();
			await().atMost(DELIVERY).until(() -> committed.size() >= committedAtStop + 200);
			this.outboxRelay.start();
			await().atMost(DELIVERY).until(this.outboxRelay::isRelaying);
			int committedAtRestart = committed.size();
			await().atMost(DELIVERY).until(() -> committed.size() >= committedAtRestart + 200);
		}
		finally {
			writing.set(false);
			writer.join();
		}
		Set<String> expected = Set.copyOf(committed);
		await().atMost(DELIVERY)
			.until(() -> recordsOn("ticket").stream().map(Received::key).collect(Collectors.toSet()).containsAll(expected));
		List<String> received = recordsOn("ticket").stream().map(Received::key).toList();
		long duplicates = received.size() - received.stream().distinct().count();
		// A graceful stop commits the position of everything Kafka acknowledged.
		assertThat(duplicates).as("duplicates after a graceful stop").isZero();
	}

	private static List<String> kafkaClientThreadsOfThisRelay() {
		String clientIdBase = "outbox-relay-" + relay.slotName();
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.contains(clientIdBase))
			.toList();
	}

	private List<Received> awaitRecords(String key, int count) {
		await().atMost(DELIVERY).until(() -> recordsWithKey(key).size() >= count);
		return recordsWithKey(key);
	}

	private static List<Received> recordsWithKey(String key) {
		return records.records().stream().filter((record) -> key.equals(record.key())).toList();
	}

	private static List<Received> recordsOn(String aggregateType) {
		return records.records().stream().filter((record) -> record.topic().equals(relay.topic(aggregateType))).toList();
	}

	private static List<Received> recordsOfRun(String run) {
		return records.records().stream().filter((record) -> record.key() != null && record.key().startsWith(run)).toList();
	}

	@OutboxEvent(aggregateType = "order")
	record OrderPlaced(@AggregateId UUID orderId, BigDecimal total) {
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
