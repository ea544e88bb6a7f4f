package io.github.outbox.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts what {@code @Inbox} listeners process and skip, per consumer:
 * {@code outbox.inbox.processed} and {@code outbox.inbox.duplicates}.
 */
interface InboxMetrics {

	InboxMetrics NONE = new InboxMetrics() {

		@Override
		public void processed(String consumer, int count) {
		}

		@Override
		public void duplicates(String consumer, int count) {
		}

	};

	void processed(String consumer, int count);

	void duplicates(String consumer, int count);

	/**
	 * Counts with Micrometer. Created only when Micrometer is on the class path.
	 */
	final class Micrometer implements InboxMetrics {

		private final MeterProvider<Counter> processed;

		private final MeterProvider<Counter> duplicates;

		Micrometer(MeterRegistry registry) {
			this.processed = Counter.builder("outbox.inbox.processed")
				.description("Outbox events processed by @Inbox listeners")
				.withRegistry(registry);
			this.duplicates = Counter.builder("outbox.inbox.duplicates")
				.description("Outbox events skipped by @Inbox listeners because they were processed before")
				.withRegistry(registry);
		}

		@Override
		public void processed(String consumer, int count) {
			this.processed.withTag("consumer", consumer).increment(count);
		}

		@Override
		public void duplicates(String consumer, int count) {
			this.duplicates.withTag("consumer", consumer).increment(count);
		}

	}

}
