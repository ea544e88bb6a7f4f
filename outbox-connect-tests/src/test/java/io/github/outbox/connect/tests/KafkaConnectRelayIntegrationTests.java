package io.github.outbox.connect.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import io.github.outbox.replay.OutboxReplay;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka Connect configuration shipped in {@code db/debezium/kafka-connect}, deployed
 * unchanged but for addresses on a real Kafka Connect worker in distributed mode, delivers the
 * same records as the embedded relay: each event is relayed by both, through two slots on the
 * one publication, and the two records are compared. A replay asked for through the signal
 * table makes both republish them unchanged.
 */
class KafkaConnectRelayIntegrationTests {

	private static final Path SHIPPED_CONNECTOR = Path.of("..", "db", "debezium", "kafka-connect",
			"outbox-connector.json");

	private static final Duration DELIVERY = Duration.ofSeconds(120);

	private static EmbeddedConnectCluster connect;

	@BeforeAll
	static void startKafkaConnect() {
		connect = new EmbeddedConnectCluster.Builder().name("outbox-connect").numWorkers(1).build();
		connect.start();
	}

	@AfterAll
	static void stopKafkaConnect() {
		connect.stop();
	}

	@Test
	void shippedConnectorDeliversTheSameRecordsAsTheEmbeddedRelay() throws Exception {
		Database database = EmbeddedPostgresServer.shared().createDatabase("connect");
		try (ConfigurableApplicationContext service = startServiceWithEmbeddedRelay(database)) {
			Map<String, String> config = shippedConnectorConfig();
			config.put("database.hostname", "localhost");
			config.put("database.port", Integer.toString(EmbeddedPostgresServer.shared().port()));
			config.put("database.dbname", database.name());
			config.put("database.user", database.username());
			config.put("database.password", "");
			connect.configureConnector("outbox-connector", config);
			await().atMost(DELIVERY).until(() -> isRunning(connect.connectorStatus("outbox-connector")));
			// The connector creates its slot when it starts; only what is committed after that
			// reaches it. (With the embedded relay the starter creates the slot at start-up.)
			JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
			await().atMost(DELIVERY)
				.until(() -> jdbc.queryForObject("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'outbox_slot' AND active",
						Integer.class) == 1);

			UUID orderId = UUID.randomUUID();
			TransactionTemplate transaction = service.getBean(TransactionTemplate.class);
			OutboxPublisher outbox = service.getBean(OutboxPublisher.class);
			transaction.executeWithoutResult((status) -> {
				outbox.publish(new OrderPlaced(orderId, "alice"));
				outbox.publish(OutboxMessage.of("order", orderId.toString(), "OrderTagged", Map.of("tag", "vip"))
					.withHeader("tenant", "acme")
					.withHeader("note", "line1\n\"quoted\""));
			});
			transaction.executeWithoutResult(
					(status) -> outbox.publish(OutboxMessage.of("invoice", "INV-1", "InvoiceIssued", Map.of("amount", 3))));

			Map<String, Delivered> viaConnect = byEventId(connect.kafka()
				.consume(3, DELIVERY.toMillis(), "outbox.event.order", "outbox.event.invoice"));
			Map<String, Delivered> embedded = byEventId(connect.kafka()
				.consume(3, DELIVERY.toMillis(), "embedded.order", "embedded.invoice"));

			assertThat(viaConnect).hasSize(3);
			assertThat(embedded.keySet()).isEqualTo(viaConnect.keySet());
			viaConnect.forEach((id, record) -> assertThat(embedded.get(id)).as("event %s", id)
				.isEqualTo(record.withTopic(record.topic().replace("outbox.event.", "embedded."))));

			Delivered tagged = viaConnect.values()
				.stream()
				.filter((record) -> "OrderTagged".equals(record.headers().get("eventType")))
				.findFirst()
				.orElseThrow();
			assertThat(tagged.topic()).isEqualTo("outbox.event.order");
			assertThat(tagged.key()).isEqualTo(orderId.toString());
			assertThat(tagged.value()).isEqualTo("{\"tag\": \"vip\"}");
			assertThat(tagged.headers()).containsOnlyKeys("eventId", "eventType", "tenant", "note")
				.containsEntry("tenant", "acme")
				.containsEntry("note", "line1\n\"quoted\"");
			// The event class's schema version, registered at the service's start-up, travels with it.
			Delivered placed = viaConnect.values()
				.stream()
				.filter((record) -> "OrderPlaced".equals(record.headers().get("eventType")))
				.findFirst()
				.orElseThrow();
			assertThat(placed.headers()).containsEntry("eventSchemaVersion", "1");

			// A replay through the signal table: both relays republish the three events as they
			// were, and nothing of the signal table itself reaches Kafka.
			Instant firstWritten = jdbc.queryForObject("SELECT min(created_at) FROM outbox_event", Timestamp.class)
				.toLocalDateTime()
				.toInstant(ZoneOffset.UTC);
			assertThat(service.getBean(OutboxReplay.class)
				.replay(firstWritten, Instant.now().plusSeconds(1))
				.events()).isEqualTo(3);
			for (String prefix : new String[] { "outbox.event.", "embedded." }) {
				List<Delivered> twice = delivered(connect.kafka()
					.consume(6, DELIVERY.toMillis(), prefix + "order", prefix + "invoice"));
				assertThat(twice).as(prefix).hasSize(6);
				Map<String, List<Delivered>> copies = twice.stream()
					.collect(Collectors.groupingBy((record) -> record.headers().get("eventId")));
				assertThat(copies).as(prefix).hasSize(3);
				copies.values().forEach((pair) -> assertThat(pair.get(1)).isEqualTo(pair.get(0)));
			}
			assertThat(connect.kafka().createAdminClient().listTopics().names().get())
				.noneMatch((topic) -> topic.contains("outbox_signal"));
		}
		finally {
			connect.deleteConnector("outbox-connector");
		}
	}

	private static boolean isRunning(ConnectorStateInfo status) {
		return "RUNNING".equals(status.connector().state()) && !status.tasks().isEmpty()
				&& status.tasks().stream().allMatch((task) -> "RUNNING".equals(task.state()));
	}

	private static ConfigurableApplicationContext startServiceWithEmbeddedRelay(Database database) {
		return new SpringApplicationBuilder(Service.class).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.username(),
					"spring.kafka.bootstrap-servers=" + connect.kafka().bootstrapServers(), "outbox.relay.enabled=true",
					"outbox.relay.slot-name=embedded_slot", "outbox.relay.topic=embedded.${routedByValue}",
					"outbox.relay.debezium.topic.prefix=embedded")
			.run();
	}

	private static Map<String, String> shippedConnectorConfig() throws IOException {
		JsonNode shipped = new ObjectMapper().readTree(SHIPPED_CONNECTOR.toFile());
		Map<String, String> config = new LinkedHashMap<>();
		shipped.get("config").fields().forEachRemaining((field) -> config.put(field.getKey(), field.getValue().asText()));
		return config;
	}

	private static Map<String, Delivered> byEventId(Iterable<ConsumerRecord<byte[], byte[]>> records) {
		Map<String, Delivered> byId = new HashMap<>();
		delivered(records).forEach((record) -> byId.put(record.headers().get("eventId"), record));
		return byId;
	}

	private static List<Delivered> delivered(Iterable<ConsumerRecord<byte[], byte[]>> records) {
		List<Delivered> delivered = new ArrayList<>();
		for (ConsumerRecord<byte[], byte[]> record : records) {
			Map<String, String> headers = new LinkedHashMap<>();
			for (Header header : record.headers()) {
				headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
			}
			delivered.add(new Delivered(record.topic(), string(record.key()), string(record.value()), headers,
					record.timestamp()));
		}
		return delivered;
	}

	private static String string(byte[] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	record Delivered(String topic, String key, String value, Map<String, String> headers, long timestamp) {

		Delivered withTopic(String topic) {
			return new Delivered(topic, this.key, this.value, this.headers, this.timestamp);
		}

	}

	@OutboxEvent(aggregateType = "order")
	record OrderPlaced(@AggregateId UUID orderId, String customer) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Service {

	}

}
