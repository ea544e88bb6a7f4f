package io.github.outbox.publish;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
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
		public void written(int rows, Duration duration) {
		}

		@Override
		public void committed(List<OutboxRecord> records) {
		}

	};

	void written(int rows, Duration duration);

	void committed(List<OutboxRecord> records);

	/**
	 * Reports to Micrometer. Created only when Micrometer is on the class path.
	 */
	final class Micrometer implements PublishMetrics {

		private final MeterRegistry registry;

		private final Timer write;

		Micrometer(MeterRegistry registry) {
			this.registry = registry;
			this.write = Timer.builder("outbox.write")
				.description("Time to insert the outbox rows of a transaction, in its commit")
				.register(registry);
		}

		@Override
		public void written(int rows, Duration duration) {
			this.write.record(duration);
		}

		@Override
		public void committed(List<OutboxRecord> records) {
			for (OutboxRecord record : records) {
				Counter.builder("outbox.events.published")
					.description("Outbox events committed with their business change")
					.tag("aggregate.type", record.aggregateType())
					.tag("event.type", record.type())
					.register(this.registry)
					.increment();
			}
		}

	}

}
