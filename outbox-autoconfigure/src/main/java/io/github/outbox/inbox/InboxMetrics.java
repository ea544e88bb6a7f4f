package io.github.outbox.inbox;

import io.micrometer.core.instrument.Counter;
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

		private final MeterRegistry registry;

		Micrometer(MeterRegistry registry) {
			this.registry = registry;
		}

		@Override
		public void processed(String consumer, int count) {
			counter("outbox.inbox.processed", "Outbox events processed by @Inbox listeners", consumer).increment(count);
		}

		@Override
		public void duplicates(String consumer, int count) {
			counter("outbox.inbox.duplicates", "Outbox events skipped by @Inbox listeners because they were processed "
					+ "before", consumer)
				.increment(count);
		}

		private Counter counter(String name, String description, String consumer) {
			return Counter.builder(name).description(description).tag("consumer", consumer).register(this.registry);
		}

	}

}
