package io.github.outbox.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.github.outbox.console.PipelineSnapshot.InboxConsumer;
import io.github.outbox.console.PipelineSnapshot.Kafka;
import io.github.outbox.console.PipelineSnapshot.Relay;
import io.github.outbox.console.PipelineSnapshot.Service;
import io.github.outbox.console.PipelineSnapshot.Table;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;

/**
 * Builds the {@link PipelineSnapshot} from the starter's own health ({@code outboxRelay}) and
 * meters ({@code outbox.*}), and from Kafka's offsets. A snapshot is reused for a short while,
 * so that however many pages are open, Kafka and the health are asked at most once per interval.
 */
final class PipelineSnapshots {

	static final String RELAY_HEALTH = "outboxRelay";

	static final String DELIVERY_LAG = "outbox.relay.delivery.lag";

	private static final String AGGREGATE_TYPE = "${routedByValue}";

	private final @Nullable MeterRegistry meters;

	private final @Nullable HealthContributorRegistry health;

	private final @Nullable KafkaOffsets kafka;

	private final String topic;

	private final Duration reuse;

	private final Clock clock;

	private volatile @Nullable PipelineSnapshot last;

	/**
	 * Creates a builder of snapshots.
	 * @param meters the application's meters, if any
	 * @param health the application's health contributors, if any
	 * @param kafka what asks Kafka, if Kafka is configured
	 * @param topic the relay's topic for an event, where {@code ${routedByValue}} stands for the
	 * aggregate type ({@code outbox.relay.topic})
	 * @param reuse how long a snapshot serves
	 * @param clock the clock
	 */
	PipelineSnapshots(@Nullable MeterRegistry meters, @Nullable HealthContributorRegistry health,
			@Nullable KafkaOffsets kafka, String topic, Duration reuse, Clock clock) {
		this.meters = meters;
		this.health = health;
		this.kafka = kafka;
		this.topic = topic;
		this.reuse = reuse;
		this.clock = clock;
	}

	PipelineSnapshot current() {
		Instant now = this.clock.instant();
		PipelineSnapshot last = this.last;
		if (last != null && last.at().plus(this.reuse).isAfter(now)) {
			return last;
		}
		// Built without a lock: a slow answer (Kafka away, the database slow) holds up only the
		// pages that asked at that moment, and the next interval's build starts afresh.
		Service service = service();
		Set<String> topics = new TreeSet<>();
		service.publishedByType()
			.keySet()
			.forEach((type) -> topics.add(this.topic.replace(AGGREGATE_TYPE, type.substring(0, type.indexOf('/')))));
		Kafka kafka = (this.kafka != null) ? this.kafka.read(topics)
				: new Kafka(false, "no Kafka client in this application", Map.of(), List.of());
		PipelineSnapshot snapshot = new PipelineSnapshot(now, service, table(), relay(), kafka, inbox());
		this.last = snapshot;
		return snapshot;
	}

	private Service service() {
		Map<String, Double> byType = new TreeMap<>();
		double total = 0;
		Double writeMean = null;
		if (this.meters != null) {
			for (Counter counter : this.meters.find("outbox.events.published").counters()) {
				String type = counter.getId().getTag("aggregate.type") + "/" + counter.getId().getTag("event.type");
				byType.merge(type, counter.count(), Double::sum);
				total += counter.count();
			}
			Timer write = this.meters.find("outbox.write").timer();
			if (write != null && write.count() > 0) {
				writeMean = write.mean(TimeUnit.MILLISECONDS);
			}
		}
		return new Service(total, byType, writeMean);
	}

	private Table table() {
		return new Table(gauge("outbox.table.rows"), gauge("outbox.table.oldest.age"));
	}

	private Relay relay() {
		Double delivered = null;
		Double p50 = null;
		Double p99 = null;
		if (this.meters != null) {
			Counter counter = this.meters.find("outbox.relay.events.delivered").counter();
			delivered = (counter != null) ? counter.count() : null;
			Timer lag = this.meters.find(DELIVERY_LAG).timer();
			if (lag != null) {
				for (ValueAtPercentile value : lag.takeSnapshot().percentileValues()) {
					if (value.percentile() == 0.5) {
						p50 = value.value(TimeUnit.MILLISECONDS);
					}
					else if (value.percentile() == 0.99) {
						p99 = value.value(TimeUnit.MILLISECONDS);
					}
				}
			}
		}
		Health health = relayHealth();
		if (health == null) {
			return new Relay("UNKNOWN", "not configured", Map.of(), delivered, p50, p99);
		}
		Map<String, Object> details = new LinkedHashMap<>(health.getDetails());
		return new Relay(health.getStatus().getCode(), String.valueOf(details.getOrDefault("relay", "unknown")), details,
				delivered, p50, p99);
	}

	private @Nullable Health relayHealth() {
		HealthContributor contributor = (this.health != null) ? this.health.getContributor(RELAY_HEALTH) : null;
		return (contributor instanceof HealthIndicator indicator) ? indicator.health(true) : null;
	}

	private List<InboxConsumer> inbox() {
		Map<String, double[]> counts = new TreeMap<>();
		if (this.meters != null) {
			for (Counter counter : this.meters.find("outbox.inbox.processed").counters()) {
				counts.computeIfAbsent(counter.getId().getTag("consumer"), (key) -> new double[2])[0] += counter.count();
			}
			for (Counter counter : this.meters.find("outbox.inbox.duplicates").counters()) {
				counts.computeIfAbsent(counter.getId().getTag("consumer"), (key) -> new double[2])[1] += counter.count();
			}
		}
		List<InboxConsumer> consumers = new ArrayList<>();
		counts.forEach((consumer, values) -> consumers.add(new InboxConsumer(consumer, values[0], values[1])));
		return consumers;
	}

	private @Nullable Double gauge(String name) {
		Gauge gauge = (this.meters != null) ? this.meters.find(name).gauge() : null;
		double value = (gauge != null) ? gauge.value() : Double.NaN;
		return Double.isNaN(value) ? null : value;
	}

}
