package io.github.outbox.cleanup;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Reports what the cleanup job does: {@code outbox.cleanup.runs} (a timer, tags
 * {@code strategy} and {@code outcome}), {@code outbox.cleanup.rows.deleted},
 * {@code outbox.cleanup.partitions.created} and {@code outbox.cleanup.partitions.dropped}.
 */
interface CleanupMetrics {

	CleanupMetrics NONE = new CleanupMetrics() {

		@Override
		public void ran(String strategy, Outcome outcome, Duration duration, CleanupReport report) {
		}

	};

	void ran(String strategy, Outcome outcome, Duration duration, CleanupReport report);

	/**
	 * How a run ended.
	 */
	enum Outcome {

		/**
		 * It did its work.
		 */
		SUCCESS,

		/**
		 * Another instance was cleaning; this one did nothing.
		 */
		SKIPPED,

		/**
		 * It failed.
		 */
		FAILURE;

		String tag() {
			return name().toLowerCase();
		}

	}

	/**
	 * Reports to Micrometer. Created only when Micrometer is on the class path.
	 */
	final class Micrometer implements CleanupMetrics {

		private final MeterRegistry registry;

		Micrometer(MeterRegistry registry) {
			this.registry = registry;
		}

		@Override
		public void ran(String strategy, Outcome outcome, Duration duration, CleanupReport report) {
			Timer.builder("outbox.cleanup.runs")
				.description("Runs of the outbox cleanup job")
				.tag("strategy", strategy)
				.tag("outcome", outcome.tag())
				.register(this.registry)
				.record(duration);
			count("outbox.cleanup.rows.deleted", "Outbox rows deleted by the cleanup job", strategy, report.rowsDeleted());
			count("outbox.cleanup.partitions.created", "Outbox partitions created ahead by the cleanup job", strategy,
					report.partitionsCreated());
			count("outbox.cleanup.partitions.dropped", "Expired outbox partitions dropped by the cleanup job", strategy,
					report.partitionsDropped());
		}

		private void count(String name, String description, String strategy, long amount) {
			Counter.builder(name).description(description).tag("strategy", strategy).register(this.registry).increment(amount);
		}

	}

}
