package io.github.outbox.publish;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Reports the write path: {@code outbox.events.published} (events committed, tags
 * {@code aggregate.type} and {@code event.type}) and {@code outbox.write} (time to insert a
 * transaction's rows).
 */
interface PublishMetrics {

	PublishMetrics NONE = new PublishMetrics() {

		@Override
		public void written(Duration duration) {
		}

		@Override
		public void committed(Map<EventType, Integer> counts) {
		}

	};

	void written(Duration duration);

	/**
	 * Reports the events a transaction committed.
	 * @param counts how many of each type
	 */
	void committed(Map<EventType, Integer> counts);

	/**
	 * The kind of an event, as the metrics tell events apart.
	 *
	 * @param aggregateType the aggregate type
	 * @param type the event type
	 */
	record EventType(String aggregateType, String type) {

	}

	/**
	 * Reports to Micrometer. Created only when Micrometer is on the class path.
	 */
	final class Micrometer implements PublishMetrics {

		private final MeterProvider<Counter> published;

		private final Timer write;

		Micrometer(MeterRegistry registry) {
			this.published = Counter.builder("outbox.events.published")
				.description("Outbox events committed with their business change")
				.withRegistry(registry);
			this.write = Timer.builder("outbox.write")
				.description("Time to write the outbox rows of a transaction, with its COMMIT")
				.register(registry);
		}

		@Override
		public void written(Duration duration) {
			this.write.record(duration);
		}

		@Override
		public void committed(Map<EventType, Integer> counts) {
			counts.forEach((type, count) -> this.published
				.withTags("aggregate.type", type.aggregateType(), "event.type", type.type())
				.increment(count));
		}

	}

}
