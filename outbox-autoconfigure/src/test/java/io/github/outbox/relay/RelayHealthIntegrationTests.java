package io.github.outbox.relay;

import java.time.Duration;
import java.util.List;

import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.RelayTestSupport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay's health indicator and metrics against a real PostgreSQL, Kafka and Debezium:
 * what an operator sees while the relay runs, while it is stopped and events pile up in the
 * WAL, and once it is back.
 */
class RelayHealthIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	@Test
	void healthGoesDownWhileTheRelayIsStoppedAndTheWalGrowsThenRecovers() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("health");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext context = relay.start(TestApplication.class)) {
			OutboxRelay outboxRelay = context.getBean(OutboxRelay.class);
			OutboxRelayHealthIndicator health = context.getBean(OutboxRelayHealthIndicator.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);

			Health relaying = await().atMost(DELIVERY)
				.until(() -> health.health(true), (current) -> "relaying".equals(current.getDetails().get("relay"))
						&& Boolean.TRUE.equals(current.getDetails().get("slotActive")));
			assertThat(relaying.getStatus()).isEqualTo(Status.UP);
			assertThat(relaying.getDetails()).containsEntry("slot", relay.slotName())
				.containsEntry("slotActive", true)
				.containsEntry("walStatus", "reserved");

			List<String> before = RelayTestSupport.publishEach(context, "invoice", 20);
			records.awaitKeys(before, DELIVERY);
			assertThat(meters.get("outbox.relay.events.delivered").counter().count()).isGreaterThanOrEqualTo(20);
			assertThat(meters.get("outbox.relay.delivery.lag").timer().count()).isGreaterThanOrEqualTo(20);
			assertThat(health.health(true).getDetails()).containsKey("lastDelivery");

			outboxRelay.stop();
			double retainedBefore = retainedWal(meters);
			List<String> whileStopped = RelayTestSupport.publishEach(context, "invoice", 200);
			Health stopped = health.health(true);
			assertThat(stopped.getStatus()).isEqualTo(Status.DOWN);
			assertThat(stopped.getDetails()).containsEntry("relay", "stopped")
				.containsEntry("problem", "the relay is stopped in this instance");
			assertThat(retainedWal(meters)).isGreaterThan(retainedBefore);

			outboxRelay.start();
			await().atMost(DELIVERY).until(() -> health.health(true).getStatus().equals(Status.UP));
			records.awaitKeys(whileStopped, DELIVERY);
			await().atMost(DELIVERY).until(() -> retainedWal(meters) < retainedBefore + 4096);
		}
	}

	private static double retainedWal(MeterRegistry meters) {
		return meters.get("outbox.relay.slot.retained.wal").gauge().value();
	}

	@JdbcTestApplication
	static class TestApplication {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
