package io.github.outbox.cleanup;

import java.time.Duration;
import java.time.Instant;

/**
 * One strategy's periodic work on the outbox table.
 */
interface CleanupJob {

	/**
	 * Returns the strategy's name, as configured and as metrics and logs show it.
	 * @return the name
	 */
	String strategy();

	/**
	 * Does the work once.
	 * @param now the current time
	 * @return what was done
	 */
	CleanupReport run(Instant now);

	/**
	 * Deletes rows past the retention.
	 *
	 * @param retention how long rows are kept
	 * @param rows the deleter of the outbox table
	 */
	record Retention(Duration retention, ExpiredRows rows) implements CleanupJob {

		@Override
		public String strategy() {
			return "retention";
		}

		@Override
		public CleanupReport run(Instant now) {
			return new CleanupReport(this.rows.deleteCreatedBefore(now.minus(this.retention)), 0, 0);
		}

	}

	/**
	 * Keeps partitions created ahead, drops expired ones, and deletes expired rows that
	 * landed in the default partition.
	 *
	 * @param retention how long rows are kept
	 * @param ahead the number of partitions created after the current one
	 * @param partitions the partitioned table
	 * @param defaultPartitionRows the deleter of the default partition
	 */
	record Partitions(Duration retention, int ahead, OutboxPartitions partitions,
			ExpiredRows defaultPartitionRows) implements CleanupJob {

		@Override
		public String strategy() {
			return "partitions";
		}

		@Override
		public CleanupReport run(Instant now) {
			Instant cutoff = now.minus(this.retention);
			int created = this.partitions.createAhead(now, this.ahead);
			int dropped = this.partitions.dropExpired(cutoff);
			if (this.partitions.dropUnpartitionedIfExpired(cutoff)) {
				dropped++;
			}
			long deleted = this.defaultPartitionRows.deleteCreatedBefore(cutoff);
			return new CleanupReport(deleted, created, dropped);
		}

	}

}
