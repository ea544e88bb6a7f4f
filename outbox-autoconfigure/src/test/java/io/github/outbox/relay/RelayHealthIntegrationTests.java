package io.github.outbox.relay;

import java.time.Duration;
import java.util.List;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
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
			await().atMost(DELIVERY).until(() -> retainedWal(meters) > retainedBefore);

			outboxRelay.start();
			await().atMost(DELIVERY).until(() -> health.health(true).getStatus().equals(Status.UP));
			records.awaitKeys(whileStopped, DELIVERY);
			await().atMost(DELIVERY).until(() -> retainedWal(meters) < retainedBefore + 4096);
		}
	}

	@Test
	void slotWithoutReaderIsDownOnceTheGracePeriodHasPassedSinceItLostItEvenIfNobodyAskedBefore() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("unread");
		try (ConfigurableApplicationContext watcher = relay.start(TestApplication.class, "outbox.relay.enabled=false",
				"outbox.relay.monitor.enabled=true", GRACE)) {
			OutboxRelayHealthIndicator health = watcher.getBean(OutboxRelayHealthIndicator.class);
			java.time.Instant lostReader;
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class, GRACE)) {
				await().atMost(DELIVERY).until(service.getBean(OutboxRelay.class)::isRelaying);
				lostReader = java.time.Instant.now();
			}
			// Nobody looks at the health until well after the grace period.
			await().pollDelay(Duration.ofSeconds(4)).atMost(DELIVERY).until(() -> true);
			Health down = health.health(true);
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails()).containsEntry("relay", "not in this instance")
				.containsEntry("slotActive", false);
			String problem = (String) down.getDetails().get("problem");
			assertThat(problem).startsWith("no relay has read the slot since ");
			java.time.Instant since = java.time.Instant.parse(problem.substring("no relay has read the slot since ".length()));
			assertThat(Duration.between(lostReader, since).abs()).as("since when").isLessThan(Duration.ofSeconds(2));
			assertThat(watcher.getBean(MeterRegistry.class).get("outbox.relay.slot.retained.wal").gauge().value())
				.isGreaterThanOrEqualTo(0);
		}
	}

	@Test
	void databaseOutOfReachIsReportedAsSuchAndNeverAsStandingBy() throws Exception {
		try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
			EmbeddedPostgresServer.Database database = server.createDatabase("unreachable");
			RelayTestSupport relay = new RelayTestSupport(database, database.name(),
					EmbeddedKafkaServer.shared().bootstrapServers());
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class, GRACE,
					"spring.datasource.hikari.connection-timeout=1000")) {
				OutboxRelay outboxRelay = service.getBean(OutboxRelay.class);
				OutboxRelayHealthIndicator health = service.getBean(OutboxRelayHealthIndicator.class);
				await().atMost(DELIVERY).until(outboxRelay::isRelaying);
				server.close();
				// While the server shuts down, the slot loses its reader a moment before connections go.
				Health down = await().atMost(DELIVERY).until(() -> health.health(true),
						(current) -> current.getStatus().equals(Status.DOWN)
								&& String.valueOf(current.getDetails().get("problem")).contains("cannot be reached"));
				assertThat(down.getDetails()).doesNotContainEntry("relay", "standing by");
				await().atMost(DELIVERY).until(() -> outboxRelay.failure() != null);
				assertThat(outboxRelay.state()).isEqualTo(OutboxRelay.State.FAILING);
				assertThat(outboxRelay.failure().description()).contains("cannot be reached");
				await().during(Duration.ofSeconds(3)).atMost(DELIVERY)
					.until(() -> outboxRelay.state() != OutboxRelay.State.STANDING_BY);
			}
		}
	}

	private static final String GRACE = "outbox.relay.health.grace-period=2s";

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
