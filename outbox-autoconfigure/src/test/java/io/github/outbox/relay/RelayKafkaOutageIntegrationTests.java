package io.github.outbox.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
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

	@Test
	void eventsCommittedWhileKafkaIsUnreachableArriveOnceItIsBack(CapturedOutput output) throws Exception {
		try (KafkaRecordCollector records = relay.collector()) {
			List<String> published = new ArrayList<>(publish(20));
			awaitDelivered(records, published);

			kafka.disconnect();
			published.addAll(publish(200));
			await().atMost(DELIVERY).until(() -> output.getOut().contains("Kafka is unavailable"));

			kafka.reconnect();
			awaitDelivered(records, published);
			await().atMost(DELIVERY).until(() -> output.getOut().contains("Kafka is available again"));

			List<String> received = records.records().stream().map(Received::key).toList();
			long duplicates = received.size() - received.stream().distinct().count();
			// The idempotent producer resends what Kafka did not acknowledge without duplicating it.
			assertThat(duplicates).isZero();
			assertThat(output.getOut().split("Kafka is unavailable", -1)).as("outage logged once").hasSize(2);
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

	private static void awaitDelivered(KafkaRecordCollector records, List<String> keys) {
		await().atMost(DELIVERY)
			.until(() -> records.records().stream().map(Received::key).toList().containsAll(keys));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	static class TestApplication {

	}

}
