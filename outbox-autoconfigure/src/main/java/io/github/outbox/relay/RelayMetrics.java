package io.github.outbox.relay;

import io.github.outbox.relay.SlotMonitor.Sample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * The relay's Micrometer meters: {@code outbox.relay.events.delivered},
 * {@code outbox.relay.delivery.lag} (commit to Kafka acknowledgement), where the relay runs,
 * and {@code outbox.relay.slot.retained.wal} (bytes, as the {@link SlotMonitor} last saw it),
 * wherever the slot is watched.
 */
final class RelayMetrics {

	RelayMetrics(MeterRegistry registry, @Nullable RelayActivity activity, SlotMonitor slot) {
		if (activity != null) {
			bindDeliveries(registry, activity);
		}
		Gauge.builder("outbox.relay.slot.retained.wal", slot, RelayMetrics::retainedWalBytes)
			.description("WAL the relay's replication slot keeps on the database server")
			.baseUnit("bytes")
			.tag("slot", slot.slotName())
			.register(registry);
	}

	private static void bindDeliveries(MeterRegistry registry, RelayActivity activity) {
		Counter delivered = Counter.builder("outbox.relay.events.delivered")
			.description("Outbox events the relay delivered to Kafka")
			.register(registry);
		Timer lag = Timer.builder("outbox.relay.delivery.lag")
			.description("Time from an outbox event's commit to Kafka's acknowledgement of its record")
			.register(registry);
		activity.listen((eventLag) -> {
			delivered.increment();
			if (eventLag != null) {
				lag.record(eventLag);
			}
		});
	}

	private static double retainedWalBytes(SlotMonitor slot) {
		Sample sample = slot.last();
		return (sample != null && sample.state() != null) ? sample.state().retainedWalBytes() : Double.NaN;
	}

}
