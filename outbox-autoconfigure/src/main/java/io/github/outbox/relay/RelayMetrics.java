package io.github.outbox.relay;

import io.github.outbox.relay.ReplicationSlotMonitor.SlotState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The relay's Micrometer meters: {@code outbox.relay.events.delivered},
 * {@code outbox.relay.delivery.lag} (commit to Kafka acknowledgement) and
 * {@code outbox.relay.slot.retained.wal} (bytes, read from the database when scraped).
 */
final class RelayMetrics {

	RelayMetrics(MeterRegistry registry, RelayActivity activity, ReplicationSlotMonitor slot) {
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
		Gauge.builder("outbox.relay.slot.retained.wal", slot, RelayMetrics::retainedWalBytes)
			.description("WAL the relay's replication slot keeps on the database server")
			.baseUnit("bytes")
			.tag("slot", slot.slotName())
			.register(registry);
	}

	private static double retainedWalBytes(ReplicationSlotMonitor slot) {
		SlotState state = slot.read();
		return (state != null) ? state.retainedWalBytes() : Double.NaN;
	}

}
