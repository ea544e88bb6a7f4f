package io.github.outbox.relay;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event Kafka refuses for good (here: larger than the producer may send) stops the relay at
 * that event: it is not skipped, the events after it wait, the relay keeps trying with a
 * growing delay, logs it once, and its health goes DOWN once the grace period has passed.
 */
@ExtendWith(OutputCaptureExtension.class)
class RelayRefusalIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	@Test
	void eventKafkaRefusesStopsTheRelayThereLoudlyAndNothingAfterItOvertakesIt(CapturedOutput output)
			throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("refused");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext service = relay.start(TestApplication.class,
						"spring.kafka.producer.properties.max.request.size=4096", "outbox.relay.health.grace-period=2s")) {
			List<String> before = RelayTestSupport.publishEach(service, "parcel", 3);
			records.awaitKeys(before, DELIVERY);

			String tooLarge = UUID.randomUUID().toString();
			TransactionTemplate transaction = service.getBean(TransactionTemplate.class);
			OutboxPublisher outbox = service.getBean(OutboxPublisher.class);
			transaction.executeWithoutResult((status) -> outbox
				.publish(OutboxMessage.of("parcel", tooLarge, "Packed", Map.of("label", "x".repeat(10_000)))));
			List<String> after = RelayTestSupport.publishEach(service, "parcel", 3);

			OutboxRelayHealthIndicator health = service.getBean(OutboxRelayHealthIndicator.class);
			// DOWN at once as a stalled reader (the slot confirms nothing while WAL grows), then,
			// past the grace period, with the relay's own report naming the cause.
			await().atMost(DELIVERY).until(() -> health.health(true),
					(current) -> current.getStatus().equals(Status.DOWN)
							&& String.valueOf(current.getDetails().get("problem")).contains("larger than"));
			assertThat(service.getBean(OutboxRelay.class).state()).isEqualTo(OutboxRelay.State.FAILING);
			// Several attempts later, still stopped at the refused event, and reported once.
			await().pollDelay(Duration.ofSeconds(3)).atMost(DELIVERY).until(() -> true);
			assertThat(records.records()).extracting(KafkaRecordCollector.Received::key)
				.doesNotContain(tooLarge)
				.doesNotContainAnyElementsOf(after);
			assertThat(output.getOut().split("The relay stopped:", -1)).as("logged once").hasSize(2);
		}
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
