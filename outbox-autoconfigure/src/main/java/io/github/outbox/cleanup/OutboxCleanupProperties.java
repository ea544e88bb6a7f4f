package io.github.outbox.cleanup;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How rows leave the outbox table ({@code outbox.cleanup.*}). The relay reads events from the
 * write-ahead log, not from the table, so a row is only kept for people: to look at what was
 * published, or to replay it by hand.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@ConfigurationProperties("outbox.cleanup")
public class OutboxCleanupProperties {

	/**
	 * How rows are removed: retention (kept for the retention period, deleted in batches by a
	 * scheduled job), delete-after-insert (deleted by the transaction that inserts them; the
	 * table stays empty), partitions (the table is partitioned by time and expired partitions
	 * are dropped whole), or none.
	 */
	private Strategy strategy = Strategy.RETENTION;

	/**
	 * Whether this instance runs the scheduled cleanup job of the retention and partitions
	 * strategies. With several instances, one runs it at a time.
	 */
	private boolean enabled = true;

	/**
	 * How long rows are kept, with the retention and partitions strategies.
	 */
	private Duration retention = Duration.ofDays(7);

	/**
	 * Time between two runs of the cleanup job.
	 */
	private Duration interval = Duration.ofMinutes(1);

	/**
	 * Number of rows deleted per statement by the retention strategy, so that no statement
	 * holds locks long or writes a burst of WAL.
	 */
	private int batchSize = 1000;

	private final Partitions partitions = new Partitions();

	public Strategy getStrategy() {
		return this.strategy;
	}

	public void setStrategy(Strategy strategy) {
		this.strategy = strategy;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
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

	public Partitions getPartitions() {
		return this.partitions;
	}

	/**
	 * The ways rows leave the outbox table.
	 */
	public enum Strategy {

		/**
		 * Rows are kept for the retention period, then deleted in batches.
		 */
		RETENTION,

		/**
		 * Rows are deleted by the transaction that inserts them.
		 */
		DELETE_AFTER_INSERT,

		/**
		 * The table is partitioned by time; partitions past the retention are dropped.
		 */
		PARTITIONS,

		/**
		 * Rows are kept until removed by other means.
		 */
		NONE

	}

	/**
	 * The partitions strategy.
	 */
	public static class Partitions {

		/**
		 * Time range each partition covers. Expired rows go when the whole partition has
		 * expired, so rows live up to the retention plus this.
		 */
		private Duration range = Duration.ofDays(1);

		/**
		 * Number of partitions kept created ahead of the current one, so that inserts find
		 * their partition even if the job does not run for a while.
		 */
		private int ahead = 3;

		public Duration getRange() {
			return this.range;
		}

		public void setRange(Duration range) {
			this.range = range;
		}

		public int getAhead() {
			return this.ahead;
		}

		public void setAhead(int ahead) {
			this.ahead = ahead;
		}

	}

}
