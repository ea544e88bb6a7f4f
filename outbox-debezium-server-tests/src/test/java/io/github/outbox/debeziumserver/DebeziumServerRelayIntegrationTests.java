package io.github.outbox.debeziumserver;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Assumptions;
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
 * The Debezium Server configuration shipped in {@code db/debezium/debezium-server}, run by the
 * real Debezium Server distribution (from Maven Central) with only its addresses changed,
 * delivers the same records as the embedded relay: each event is relayed by both, through two
 * slots on the one publication, and the two records are compared.
 */
class DebeziumServerRelayIntegrationTests {

	private static final Path SHIPPED = Path.of("..", "db", "debezium", "debezium-server", "application.properties");

	private static final Duration DELIVERY = Duration.ofSeconds(120);

	@Test
	void shippedDebeziumServerConfigurationDeliversTheSameRecordsAsTheEmbeddedRelay() throws Exception {
		Path home = Path.of(System.getProperty("debezium-server.home", "target/debezium-server-dist/debezium-server"));
		Path java = javaForDebeziumServer();
		EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();
		EmbeddedKafkaServer kafka = EmbeddedKafkaServer.shared();
		Database database = postgres.createDatabase("dbz_server");
		try (ConfigurableApplicationContext service = startServiceWithEmbeddedRelay(database, kafka)) {
			// As docs/relay.md says: the slot is made before the service writes its first event.
			JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
			jdbc.queryForObject("SELECT pg_create_logical_replication_slot('outbox_slot', 'pgoutput')::text", String.class);

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

			// Debezium Server's Kafka sink sends to existing topics only (docs/relay.md).
			try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
				admin.createTopics(List.of(new NewTopic("outbox.event.order", Optional.empty(), Optional.empty()),
						new NewTopic("outbox.event.invoice", Optional.empty(), Optional.empty())))
					.all()
					.get();
			}
			Path log = home.resolve("debezium-server-" + UUID.randomUUID() + ".log");
			writeConfiguration(home, postgres, database, kafka, freePort());
			Process server = new ProcessBuilder(java.toString(), "-Xmx512m", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp",
					String.join(":", runner(home).toString(), "config/lib", "lib/*"), "io.debezium.server.Main")
				.directory(home.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			try {
				Map<String, Delivered> viaServer = consume(kafka, 3, "outbox\\.event\\.(order|invoice)", server, log);
				Map<String, Delivered> embedded = consume(kafka, 3, "embedded\\.(order|invoice)", server, log);

				assertThat(viaServer).hasSize(3);
				assertThat(embedded.keySet()).isEqualTo(viaServer.keySet());
				// Debezium Server's Kafka sink leaves the record timestamp to the producer (the time
				// of sending), where the other deployments set the event's created_at: everything
				// else is the same.
				viaServer.forEach((id, record) -> {
					Delivered relayed = embedded.get(id);
					assertThat(relayed).as("event %s", id)
						.isEqualTo(record.withTopic(record.topic().replace("outbox.event.", "embedded."))
							.withTimestamp(relayed.timestamp()));
					assertThat(record.timestamp()).as("sent at").isGreaterThanOrEqualTo(relayed.timestamp());
				});
				Delivered tagged = viaServer.values()
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
				assertThat(viaServer.values()
					.stream()
					.filter((record) -> "OrderPlaced".equals(record.headers().get("eventType")))
					.findFirst()
					.orElseThrow()
					.headers()).containsEntry("eventSchemaVersion", "1");
			}
			finally {
				server.destroy();
				if (!server.waitFor(30, TimeUnit.SECONDS)) {
					server.destroyForcibly().waitFor();
				}
			}
		}
	}

	/**
	 * The shipped configuration with the addresses of this test's servers, and nothing else
	 * changed but the server's HTTP port: line by line, so that the file is read by Debezium
	 * Server exactly as shipped.
	 */
	private static void writeConfiguration(Path home, EmbeddedPostgresServer postgres, Database database,
			EmbeddedKafkaServer kafka, int httpPort) throws IOException {
		Map<String, String> addresses = new LinkedHashMap<>();
		addresses.put("debezium.sink.kafka.producer.bootstrap.servers", kafka.bootstrapServers());
		addresses.put("debezium.source.bootstrap.servers", kafka.bootstrapServers());
		addresses.put("debezium.source.database.hostname", "localhost");
		addresses.put("debezium.source.database.port", Integer.toString(postgres.port()));
		addresses.put("debezium.source.database.dbname", database.name());
		addresses.put("debezium.source.database.user", database.username());
		addresses.put("debezium.source.database.password", "unused");
		List<String> lines = new ArrayList<>();
		for (String line : Files.readAllLines(SHIPPED, StandardCharsets.UTF_8)) {
			int equals = line.indexOf('=');
			String key = (equals > 0 && !line.startsWith("#")) ? line.substring(0, equals) : null;
			lines.add((key != null && addresses.containsKey(key)) ? key + "=" + addresses.remove(key) : line);
		}
		assertThat(addresses).as("addresses not found in the shipped file").isEmpty();
		lines.add("quarkus.http.port=" + httpPort);
		Files.createDirectories(home.resolve("config"));
		Files.write(home.resolve("config").resolve("application.properties"), lines, StandardCharsets.UTF_8);
	}

	private static Map<String, Delivered> consume(EmbeddedKafkaServer kafka, int count, String topics, Process server,
			Path log) {
		Map<String, Delivered> byId = new HashMap<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			consumer.subscribe(Pattern.compile(topics));
			await().atMost(DELIVERY)
				.failFast("Debezium Server stopped: see " + log.toAbsolutePath(), () -> !server.isAlive())
				.until(() -> {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					Delivered delivered = Delivered.of(record);
					byId.put(delivered.headers().get("eventId"), delivered);
				}
				return byId.size() >= count;
			});
		}
		return byId;
	}

	private static ConfigurableApplicationContext startServiceWithEmbeddedRelay(Database database,
			EmbeddedKafkaServer kafka) {
		return new SpringApplicationBuilder(Service.class).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.username(),
					"spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "outbox.relay.enabled=true",
					"outbox.relay.slot-name=embedded_slot", "outbox.relay.topic=embedded.${routedByValue}",
					"outbox.relay.debezium.topic.prefix=embedded")
			.run();
	}

	private static Path runner(Path home) throws IOException {
		try (DirectoryStream<Path> runners = Files.newDirectoryStream(home, "debezium-server-*-runner.jar")) {
			return runners.iterator().next().getFileName();
		}
	}

	/**
	 * Debezium Server 3.6 runs on Java 21 or later: this JVM's if it is one, else one of the
	 * machine's (a Temurin JDK is installed beside the default one on these machines).
	 */
	private static Path javaForDebeziumServer() throws IOException {
		List<Path> candidates = new ArrayList<>();
		Optional.ofNullable(System.getenv("DEBEZIUM_SERVER_JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
		candidates.add(Path.of(System.getProperty("java.home")));
		Path jvms = Path.of("/usr/lib/jvm");
		if (Files.isDirectory(jvms)) {
			try (DirectoryStream<Path> installed = Files.newDirectoryStream(jvms)) {
				installed.forEach(candidates::add);
			}
		}
		for (Path candidate : candidates) {
			Path release = candidate.resolve("release");
			Path java = candidate.resolve("bin").resolve("java");
			if (Files.isExecutable(java) && Files.exists(release) && featureVersion(release) >= 21) {
				return java;
			}
		}
		Assumptions.abort("Debezium Server " + "3.6 needs Java 21 or later, and none was found (set "
				+ "DEBEZIUM_SERVER_JAVA_HOME); looked at " + candidates);
		throw new IllegalStateException();
	}

	private static int featureVersion(Path release) throws IOException {
		for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
			if (line.startsWith("JAVA_VERSION=")) {
				String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
				return Integer.parseInt(version.split("[.+-]")[0]);
			}
		}
		return 0;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	record Delivered(String topic, String key, String value, Map<String, String> headers, long timestamp) {

		static Delivered of(ConsumerRecord<byte[], byte[]> record) {
			Map<String, String> headers = new LinkedHashMap<>();
			for (Header header : record.headers()) {
				headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
			}
			return new Delivered(record.topic(), string(record.key()), string(record.value()), headers,
					record.timestamp());
		}

		private static String string(byte[] bytes) {
			return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
		}

		Delivered withTopic(String topic) {
			return new Delivered(topic, this.key, this.value, this.headers, this.timestamp);
		}

		Delivered withTimestamp(long timestamp) {
			return new Delivered(this.topic, this.key, this.value, this.headers, timestamp);
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
