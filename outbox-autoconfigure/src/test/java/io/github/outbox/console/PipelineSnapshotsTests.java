package io.github.outbox.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.DefaultHealthContributorRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PipelineSnapshots}: each stage's figures come from the starter's own meters
 * and its {@code outboxRelay} health.
 */
class PipelineSnapshotsTests {

	private static final String TOPIC = "outbox.event.${routedByValue}";

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

	@Test
	void readsEachStageFromTheStartersMetersAndHealth() {
		Counter.builder("outbox.events.published").tags("aggregate.type", "order", "event.type", "OrderPlaced")
			.register(this.meters)
			.increment(7);
		Counter.builder("outbox.events.published").tags("aggregate.type", "order", "event.type", "OrderCancelled")
			.register(this.meters)
			.increment(2);
		Gauge.builder("outbox.table.rows", () -> 9).register(this.meters);
		Counter.builder("outbox.relay.events.delivered").register(this.meters).increment(8);
		Timer lag = Timer.builder("outbox.relay.delivery.lag").publishPercentiles(0.5, 0.99).register(this.meters);
		lag.record(Duration.ofMillis(20));
		Counter.builder("outbox.inbox.processed").tag("consumer", "audit-log").register(this.meters).increment(8);
		Counter.builder("outbox.inbox.duplicates").tag("consumer", "audit-log").register(this.meters).increment(3);
		HealthIndicator relay = () -> Health.down()
			.withDetail("relay", "relaying")
			.withDetail("kafkaUnavailableSince", "2026-12-02T09:59:00Z")
			.build();
		DefaultHealthContributorRegistry health = new DefaultHealthContributorRegistry();
		health.registerContributor(PipelineSnapshots.RELAY_HEALTH, relay);

		PipelineSnapshot snapshot = new PipelineSnapshots(this.meters, health, null, TOPIC, Duration.ofSeconds(1),
				this.clock)
			.current();

		assertThat(snapshot.service().published()).isEqualTo(9);
		assertThat(snapshot.service().publishedByType()).containsEntry("order/OrderPlaced", 7.0)
			.containsEntry("order/OrderCancelled", 2.0);
		assertThat(snapshot.table().rows()).isEqualTo(9);
		assertThat(snapshot.table().oldestAgeSeconds()).isNull();
		assertThat(snapshot.relay().status()).isEqualTo("DOWN");
		assertThat(snapshot.relay().state()).isEqualTo("relaying");
		assertThat(snapshot.relay().details()).containsEntry("kafkaUnavailableSince", "2026-12-02T09:59:00Z");
		assertThat(snapshot.relay().delivered()).isEqualTo(8);
		assertThat(snapshot.relay().lagP50Millis()).isPositive();
		assertThat(snapshot.kafka().reachable()).isFalse();
		assertThat(snapshot.inbox()).singleElement()
			.isEqualTo(new PipelineSnapshot.InboxConsumer("audit-log", 8, 3));
	}

	@Test
	void withoutTheRelaysHealthTheRelayIsUnknown() {
		PipelineSnapshot snapshot = new PipelineSnapshots(this.meters, null, null, TOPIC, Duration.ofSeconds(1), this.clock)
			.current();
		assertThat(snapshot.relay().status()).isEqualTo("UNKNOWN");
		assertThat(snapshot.service().published()).isZero();
		assertThat(snapshot.inbox()).isEmpty();
	}

	@Test
	void oneSnapshotServesEveryPageWithinTheInterval() {
		PipelineSnapshots snapshots = new PipelineSnapshots(this.meters, null, null, TOPIC, Duration.ofSeconds(1),
				this.clock);
		assertThat(snapshots.current()).isSameAs(snapshots.current());
	}

}
