package io.github.outbox.inbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the consumer side ({@code outbox.inbox.*}).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@ConfigurationProperties("outbox.inbox")
public class OutboxInboxProperties {

	/**
	 * How long the ids of processed events are kept. Must be longer than any redelivery or
	 * replay of a topic: an event older than this is processed again if redelivered.
	 */
	private Duration retention = Duration.ofDays(14);

	private final Cleanup cleanup = new Cleanup();

	private final DeadLetter deadLetter = new DeadLetter();

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public Cleanup getCleanup() {
		return this.cleanup;
	}

	public DeadLetter getDeadLetter() {
		return this.deadLetter;
	}

	/**
	 * Removal of ids older than the retention.
	 */
	public static class Cleanup {

		/**
		 * Whether to remove expired ids from the inbox periodically.
		 */
		private boolean enabled = true;

		/**
		 * Time between two cleanup runs.
		 */
		private Duration interval = Duration.ofHours(1);

		/**
		 * Number of rows deleted per statement, so that no run holds locks long.
		 */
		private int batchSize = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

	/**
	 * Dead-letter topic for records that cannot be processed.
	 */
	public static class DeadLetter {

		/**
		 * Whether to configure Spring Kafka's error handler to send records that cannot be
		 * processed (no event id, unreadable payload, or still failing after the retries) to
		 * the dead-letter topic <topic>-dlt, which must exist. Ignored when the application
		 * defines its own CommonErrorHandler.
		 */
		private boolean enabled;

		/**
		 * Attempts to process a failing record before it goes to the dead-letter topic.
		 * Records that cannot be read are sent there at once.
		 */
		private int attempts = 3;

		/**
		 * Pause between two attempts.
		 */
		private Duration backoff = Duration.ofSeconds(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getAttempts() {
			return this.attempts;
		}

		public void setAttempts(int attempts) {
			this.attempts = attempts;
		}

		public Duration getBackoff() {
			return this.backoff;
		}

		public void setBackoff(Duration backoff) {
			this.backoff = backoff;
		}

	}

}
