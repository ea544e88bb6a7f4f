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
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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

	private CapturedOutput output;

	@BeforeEach
	void captureOutput(CapturedOutput output) {
		this.output = output;
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
			List<String> published = publish(10);
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

	private List<String> publish(int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String id = UUID.randomUUID().toString();
			this.transaction
				.executeWithoutResult((status) -> this.outbox.publish(OutboxMessage.of("parcel", id, "Sent", Map.of())));
			ids.add(id);
		}
		return ids;
	}


	@JdbcTestApplication
	static class TestApplication {

	}

}
