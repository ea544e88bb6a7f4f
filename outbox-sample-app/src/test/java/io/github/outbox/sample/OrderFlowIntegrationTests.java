package io.github.outbox.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it, on its embedded defaults: orders placed and cancelled through
 * HTTP reach the projection through the outbox, Debezium and Kafka, each event applied once.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@Import(PostgresContainerWhenDockerIsAvailable.class)
class OrderFlowIntegrationTests {

	// Generous: the first event also waits for the relay and the consumer to start.
	private static final Duration DELIVERY = Duration.ofSeconds(60);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private RestTestClient http;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private KafkaTemplate<String, String> kafka;

	@Autowired
	private KafkaConnectionDetails kafkaConnection;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ApplicationContext context;

	@Test
	void runsOnEmbeddedPostgresAndKafkaUnlessDockerProvidesAContainer() {
		boolean docker = PostgresContainerWhenDockerIsAvailable.isDockerAvailable();
		assertThat(this.context.getBeanNamesForType(EmbeddedPostgresServer.class)).hasSize(docker ? 0 : 1);
		assertThat(this.context.getBeanNamesForType(EmbeddedKafkaServer.class)).hasSize(1);
		assertThat(this.jdbcTemplate.queryForObject("SHOW wal_level", String.class)).isEqualTo("logical");
	}

	@Test
	void consoleServesItsPageAndThePipelinesFiguresAsActuatorEndpoints() {
		String page = this.http.get()
			.uri("/actuator/outboxconsole")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.returnResult(String.class)
			.getResponseBody();
		assertThat(page).contains("id=\"stage-relay\"").contains("outboxconsole/pipeline");
		String id = id(place("erin", "3.00"));
		awaitView(id, "PLACED");
		await().atMost(DELIVERY).untilAsserted(() -> {
			Map<String, Object> pipeline = this.http.get()
				.uri("/actuator/outboxconsole/pipeline")
				.exchange()
				.expectStatus()
				.isOk()
				.returnResult(JSON)
				.getResponseBody();
			assertThat(pipeline).extractingByKey("relay")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsEntry("status", "UP")
				.containsEntry("state", "relaying")
				// The console has the relay record its lag's percentiles.
				.extractingByKey("lagP99Millis")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.DOUBLE)
				.isPositive();
			assertThat(pipeline).extractingByKey("kafka")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsEntry("reachable", true)
				.extractingByKey("topics")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsKey("outbox.event.order");
		});
		this.http.get().uri("/actuator/outboxconsole/other").exchange().expectStatus().isNotFound();
	}

	@Test
	void placedOrderAppearsInTheProjection() {
		Map<String, Object> order = place("alice", "42.50");
		assertThat(order).containsEntry("customer", "alice").containsEntry("status", "PLACED");

		Map<String, Object> view = awaitView(id(order), "PLACED");
		assertThat(view).containsEntry("customer", "alice")
			.containsEntry("total", 42.50)
			.containsEntry("eventsApplied", 1)
			.containsEntry("cancelledAt", null);
	}

	@Test
	void cancelledOrderShowsAsCancelledInTheProjection() {
		String id = id(place("bob", "10.00"));
		awaitView(id, "PLACED");

		Map<String, Object> cancelled = this.http.post()
			.uri("/orders/{id}/cancel", id)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("reason", "changed my mind"))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JSON)
			.getResponseBody();
		assertThat(cancelled).containsEntry("status", "CANCELLED");

		Map<String, Object> view = awaitView(id, "CANCELLED");
		assertThat(view).containsEntry("cancelReason", "changed my mind").containsEntry("eventsApplied", 2);
		assertThat(view.get("cancelledAt")).isNotNull();
	}

	@Test
	void eventDeliveredTwiceIsAppliedOnce() {
		String id = id(place("carol", "5.00"));
		awaitView(id, "PLACED");
		ConsumerRecord<String, String> delivered = recordOf(id);
		double duplicates = duplicates();

		ProducerRecord<String, String> again = new ProducerRecord<>(delivered.topic(), delivered.key(), delivered.value());
		delivered.headers().forEach(again.headers()::add);
		this.kafka.send(again);

		await().atMost(DELIVERY).until(() -> duplicates() == duplicates + 1);
		assertThat(view(id)).containsEntry("eventsApplied", 1);
	}

	@Test
	void operatorsReplayEventsAndTheProjectionSkipsWhatItApplied() {
		Instant from = Instant.now();
		String id = id(place("dave", "7.00"));
		awaitView(id, "PLACED");
		Instant to = Instant.now();
		double duplicates = duplicates();

		this.http.post()
			.uri("/actuator/outboxreplay")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("from", from.toString(), "to", to.toString(), "aggregateType", "order"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.events")
			.isEqualTo(1)
			.jsonPath("$.id")
			.isNotEmpty();

		await().atMost(DELIVERY).until(() -> duplicates() == duplicates + 1);
		assertThat(view(id)).containsEntry("eventsApplied", 1);

		// Every aggregate type when none is named.
		this.http.post()
			.uri("/actuator/outboxreplay")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("from", from.toString(), "to", to.toString()))
			.exchange()
			.expectStatus()
			.isOk();
		await().atMost(DELIVERY).until(() -> duplicates() == duplicates + 2);
		assertThat(view(id)).containsEntry("eventsApplied", 1);
	}

	@Test
	void invalidOrderIsRefusedAndWritesNeitherOrderNorEvent() {
		long orders = count("orders");
		long events = count("outbox_event");
		Map<String, Object> problem = this.http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("customer", "dave", "total", -1))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.returnResult(JSON)
			.getResponseBody();
		assertThat(problem).containsEntry("detail", "total must be a positive amount with at most 2 decimals");
		assertThat(count("orders")).isEqualTo(orders);
		assertThat(count("outbox_event")).isEqualTo(events);
	}

	@Test
	void cancellingTwiceIsAConflictAndPublishesOneCancellation() {
		String id = id(place("erin", "7.00"));
		this.http.post().uri("/orders/{id}/cancel", id).exchange().expectStatus().isOk();
		this.http.post().uri("/orders/{id}/cancel", id).exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
		assertThat(this.jdbcTemplate.queryForObject(
				"SELECT count(*) FROM outbox_event WHERE aggregateid = ? AND type = 'OrderCancelled'", Long.class, id))
			.isOne();
	}

	@Test
	void operatorsSeeTheRelayHealthAndTheOutboxMeters() {
		awaitView(id(place("grace", "3.00")), "PLACED");
		this.http.get()
			.uri("/actuator/health/outboxRelay")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.details.relay")
			.isEqualTo("relaying");
		assertThat(this.meters.find("outbox.events.published").tag("event.type", "OrderPlaced").counter()).isNotNull();
		assertThat(this.meters.find("outbox.relay.events.delivered").counter()).isNotNull();
		assertThat(this.meters.find("outbox.relay.slot.retained.wal").gauge()).isNotNull();
		assertThat(this.meters.find("outbox.table.rows").gauge()).isNotNull();
	}

	@Test
	void unknownOrderIsNotFound() {
		this.http.get().uri("/orders/{id}", UUID.randomUUID()).exchange().expectStatus().isNotFound();
		this.http.post().uri("/orders/{id}/cancel", UUID.randomUUID()).exchange().expectStatus().isNotFound();
	}

	@Test
	void eventsCarryTheirSchemaVersionAndThoseOfTheFirstVersionStillReachTheProjection() {
		// Both versions the sample ships as schema files are registered, the class's as version 2.
		assertThat(this.jdbcTemplate.queryForList("SELECT event_type || ' ' || version FROM outbox_event_schema "
				+ "WHERE aggregate_type = 'order' ORDER BY event_type, version", String.class))
			.containsExactly("OrderCancelled 1", "OrderPlaced 1", "OrderPlaced 2");
		Map<String, Object> order = this.http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("customer", "erin", "total", new BigDecimal("9.00"), "coupon", "WINTER"))
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(JSON)
			.getResponseBody();
		ConsumerRecord<String, String> placed = recordOf(id(order));
		assertThat(new String(placed.headers().lastHeader("eventSchemaVersion").value())).isEqualTo("2");
		assertThat(placed.value()).contains("\"coupon\": \"WINTER\"");

		// An event an instance of the first version wrote: no coupon, version 1.
		String old = UUID.randomUUID().toString();
		ProducerRecord<String, String> first = new ProducerRecord<>("outbox.event.order", old,
				"{\"orderId\": \"" + old + "\", \"customer\": \"frank\", \"total\": 3.00}");
		first.headers()
			.add("eventId", UUID.randomUUID().toString().getBytes())
			.add("eventType", "OrderPlaced".getBytes())
			.add("eventSchemaVersion", "1".getBytes());
		this.kafka.send(first);
		assertThat(awaitView(old, "PLACED")).containsEntry("customer", "frank").containsEntry("total", 3.00);
	}

	private Map<String, Object> place(String customer, String total) {
		return this.http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("customer", customer, "total", new BigDecimal(total)))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.exists("Location")
			.returnResult(JSON)
			.getResponseBody();
	}

	private Map<String, Object> awaitView(String id, String status) {
		return await().atMost(DELIVERY)
			.until(() -> view(id), (view) -> view != null && status.equals(view.get("status")));
	}

	private @Nullable Map<String, Object> view(String id) {
		var result = this.http.get().uri("/order-views/{id}", id).exchange().returnResult(JSON);
		return (result.getStatus().is2xxSuccessful()) ? result.getResponseBody() : null;
	}

	private ConsumerRecord<String, String> recordOf(String orderId) {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				String.join(",", this.kafkaConnection.getBootstrapServers()), ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
				StringDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
			List<TopicPartition> partitions = consumer.partitionsFor("outbox.event.order")
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			return await().atMost(DELIVERY).until(() -> {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
					if (orderId.equals(record.key())) {
						return record;
					}
				}
				return null;
			}, (record) -> record != null);
		}
	}

	private double duplicates() {
		Counter counter = this.meters.find("outbox.inbox.duplicates").tag("consumer", "order-projection").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private long count(String table) {
		Long count = this.jdbcTemplate.queryForObject("SELECT count(*) FROM " + table, Long.class);
		return (count != null) ? count : 0;
	}

	private static String id(Map<String, Object> order) {
		return (String) order.get("id");
	}

}
