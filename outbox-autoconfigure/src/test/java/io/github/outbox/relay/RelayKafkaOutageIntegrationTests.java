package io.github.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay while Kafka is unreachable: events keep being committed, nothing is lost, and
 * the outage is logged once when it starts and once when it ends.
 */
// Closed after the class, while Kafka and PostgreSQL still run, rather than at JVM exit.
@DirtiesContext
@SpringBootTest(classes = RelayKafkaOutageIntegrationTests.TestApplication.class)
@ExtendWith(OutputCaptureExtension.class)
class RelayKafkaOutageIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(90);

	private static final EmbeddedKafkaServer kafka = EmbeddedKafkaServer.startWithOutageSwitch();

	private static final RelayTestSupport relay = RelayTestSupport.create("outage", kafka.bootstrapServers());

	@DynamicPropertySource
	static void relayProperties(DynamicPropertyRegistry registry) {
		relay.register(registry);
		registry.add("outbox.relay.health.grace-period", () -> "5s");
	}

	@AfterAll
	static void stopKafka() {
		kafka.close();
	}

	@Autowired
	private OutboxPublisher outbox;

	@Autowired
	private TransactionTemplate transaction;

	@Autowired
	private OutboxRelay outboxRelay;

	@Autowired
	private org.springframework.context.ApplicationContext context;

	private CapturedOutput output;

	@BeforeEach
	void captureOutput(CapturedOutput output) {
		this.output = output;
	}

	@Test
	void everyOutageIsLoggedOnceWhenItStartsAndOnceWhenItEndsWithoutAFloodOfClientWarnings() throws Exception {
		OutboxRelayHealthIndicator health = this.context.getBean(OutboxRelayHealthIndicator.class);
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		// Another instance of the service, standing by: it sees the slot's reader make no progress.
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext standby = relay.start(TestApplication.class,
						"outbox.relay.health.grace-period=5s")) {
			OutboxRelayHealthIndicator standbyHealth = standby.getBean(OutboxRelayHealthIndicator.class);
			// Let the Kafka clients' warnings through (the tests' logging keeps them out), to count them.
			logging.setLogLevel("org.apache.kafka", LogLevel.WARN);
			List<String> published = new ArrayList<>(publish(5));
			records.awaitKeys(published, DELIVERY);
			for (int outage = 1; outage <= 2; outage++) {
				int before = this.output.getOut().length();
				kafka.disconnect();
				published.addAll(publish(20));
				await().atMost(DELIVERY).until(() -> since(before).contains("Kafka is unavailable"));
				Health down = await().atMost(DELIVERY).until(() -> health.health(true),
						(current) -> current.getStatus().equals(Status.DOWN));
				assertThat(String.valueOf(down.getDetails().get("problem")))
					.startsWith("Kafka at " + kafka.bootstrapServers() + " has not acknowledged the relay's records since");
				Health standing = await().atMost(DELIVERY).until(() -> standbyHealth.health(true),
						(current) -> current.getStatus().equals(Status.DOWN));
				assertThat(standing.getDetails()).containsEntry("relay", "standing by");
				assertThat(String.valueOf(standing.getDetails().get("problem")))
					.startsWith("the slot's reader has confirmed nothing since");
				kafka.reconnect();
				records.awaitKeys(published, DELIVERY);
				await().atMost(DELIVERY).until(() -> since(before).contains("Kafka is available again"));
				String logged = since(before);
				assertThat(logged.split("Kafka is unavailable", -1)).as("outage %d logged once", outage).hasSize(2);
				assertThat(logged.split("Kafka is available again", -1)).as("recovery %d logged once", outage).hasSize(2);
				long clientWarnings = logged.lines()
					.filter((line) -> line.contains(" WARN ") && line.contains("clientId=outbox-relay"))
					.count();
				long otherClients = logged.lines()
					.filter((line) -> line.contains(" WARN ") && line.contains("o.apache.kafka.clients"))
					.count() - clientWarnings;
				System.out.printf("Kafka outage %d: %d warnings of the relay's Kafka clients (%d of the test's own)%n",
						outage, clientWarnings, otherClients);
				assertThat(otherClients).as("the client warnings are let through").isPositive();
				assertThat(clientWarnings).as("warnings of the relay's Kafka clients during outage %d", outage).isZero();
				await().atMost(DELIVERY).until(() -> health.health(true).getStatus().equals(Status.UP)
						&& standbyHealth.health(true).getStatus().equals(Status.UP));
			}
		}
		finally {
			logging.setLogLevel("org.apache.kafka", LogLevel.ERROR);
		}
	}

	@Test
	void relayStartedWhileKafkaIsAwaySaysSoOnceAndDeliversWhenItIsBack() throws Exception {
		RelayTestSupport late = RelayTestSupport.create("kafka_away_at_start", kafka.bootstrapServers());
		int before = this.output.getOut().length();
		kafka.disconnect();
		try (KafkaRecordCollector records = late.collector();
				ConfigurableApplicationContext service = late.start(TestApplication.class)) {
			List<String> published = RelayTestSupport.publishEach(service, "parcel", 5);
			await().atMost(DELIVERY).until(() -> since(before).contains("Kafka is unavailable at " + kafka.bootstrapServers()));
			kafka.reconnect();
			records.awaitKeys(published, DELIVERY);
			await().atMost(DELIVERY).until(() -> since(before).contains("Kafka is available again"));
			String logged = since(before);
			assertThat(logged.split("Kafka is unavailable", -1)).as("said once").hasSize(2);
			assertThat(logged).doesNotContain("NullPointerException").doesNotContain(" ERROR ");
		}
		finally {
			kafka.reconnect();
		}
	}

	@Test
	void eventsCommittedWhileKafkaIsUnreachableArriveOnceItIsBack() throws Exception {
		try (KafkaRecordCollector records = relay.collector()) {
			List<String> published = new ArrayList<>(publish(20));
			records.awaitKeys(published, DELIVERY);

			kafka.disconnect();
			published.addAll(publish(200));
			await().atMost(DELIVERY).until(() -> this.output.getOut().contains("Kafka is unavailable"));

			kafka.reconnect();
			records.awaitKeys(published, DELIVERY);
			await().atMost(DELIVERY).until(() -> this.output.getOut().contains("Kafka is available again"));

			List<String> received = records.records().stream().map(Received::key).toList();
			long duplicates = received.size() - received.stream().distinct().count();
			// The idempotent producer resends what Kafka did not acknowledge without duplicating it.
			assertThat(duplicates).isZero();
			assertThat(this.output.getOut().split("Kafka is unavailable", -1)).as("outage logged once").hasSize(2);
		}
	}

	@Test
	void stoppingWhileKafkaIsUnreachableDoesNotHangAndLosesNothing() throws Exception {
		try (KafkaRecordCollector records = relay.collector()) {
			await().atMost(DELIVERY).until(this.outboxRelay::isRelaying);
			kafka.disconnect();
			// To a topic that does not exist yet: the relay is stopped while it waits to create it.
			List<String> published = publish("crate", 10);
			await().atMost(DELIVERY).until(() -> this.output.getOut().contains("Kafka is unavailable"));

			Instant stopping = Instant.now();
			this.outboxRelay.stop();
			assertThat(Duration.between(stopping, Instant.now())).as("stop while Kafka is unreachable")
				.isLessThan(Duration.ofSeconds(30));

			kafka.reconnect();
			this.outboxRelay.start();
			records.awaitKeys(published, DELIVERY);
		}
		finally {
			kafka.reconnect();
			if (!this.outboxRelay.isRunning()) {
				this.outboxRelay.start();
			}
		}
	}

	@Test
	void afterAnOutageLongerThanPostgresWaitsForTheRelayDeliveryResumesAtOnce() throws Exception {
		// A server that drops a replication connection quiet for 3s (60s by default): the relay,
		// waiting on Kafka, must keep its own.
		try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Map.of("wal_sender_timeout", "3s"))) {
			Database database = server.createDatabase("long_outage");
			RelayTestSupport longOutage = new RelayTestSupport(database, database.name(), kafka.bootstrapServers());
			try (KafkaRecordCollector records = longOutage.collector();
					ConfigurableApplicationContext service = longOutage.start(TestApplication.class)) {
				records.awaitKeys(RelayTestSupport.publishEach(service, "parcel", 5), DELIVERY);
				kafka.disconnect();
				List<String> duringOutage = RelayTestSupport.publishEach(service, "parcel", 20);
				JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
				await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
						"SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND active", Integer.class,
						longOutage.slotName()) == 1);
				Instant back = Instant.now();
				kafka.reconnect();
				records.awaitKeys(duringOutage, DELIVERY);
				Duration resumed = Duration.between(back, Instant.now());
				System.out.printf("Kafka outage of 12s (4 x wal_sender_timeout): delivery resumed %d ms after Kafka "
						+ "came back%n", resumed.toMillis());
				assertThat(resumed).isLessThan(Duration.ofSeconds(10));
			}
			finally {
				kafka.reconnect();
			}
		}
	}

	private String since(int position) {
		return this.output.getOut().substring(position);
	}

	private List<String> publish(int count) {
		return publish("parcel", count);
	}

	private List<String> publish(String aggregateType, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String id = UUID.randomUUID().toString();
			this.transaction.executeWithoutResult(
					(status) -> this.outbox.publish(OutboxMessage.of(aggregateType, id, "Sent", Map.of())));
			ids.add(id);
		}
		return ids;
	}


	@JdbcTestApplication
	static class TestApplication {

	}

}
