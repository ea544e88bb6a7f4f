package io.github.outbox.cleanup;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.UUID;

import io.github.outbox.schema.OutboxTable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes the rows of an outbox table created before a given instant, in batches of bounded
 * size, each its own short transaction, so that no statement holds locks long or writes a
 * burst of WAL. Event ids are UUIDv7, ordered by creation time: the batches walk the primary
 * key from its oldest end instead of scanning the table, and {@code created_at} is checked as
 * well.
 */
final class ExpiredRows {

	private final JdbcTemplate jdbcTemplate;

	private final String deleteBatch;

	private final int batchSize;

	/**
	 * Creates a deleter.
	 * @param jdbcTemplate runs the statements, each in its own transaction
	 * @param qualifiedTable the table, quoted and qualified
	 * @param batchSize the most rows deleted per statement
	 */
	ExpiredRows(JdbcTemplate jdbcTemplate, String qualifiedTable, int batchSize) {
		this.jdbcTemplate = jdbcTemplate;
		this.batchSize = batchSize;
		this.deleteBatch = "DELETE FROM " + qualifiedTable + " WHERE id IN (SELECT id FROM " + qualifiedTable
				+ " WHERE id < ? AND created_at < ? ORDER BY id LIMIT ?)";
	}

	/**
	 * Deletes every row created before the cutoff, batch by batch, until none is left or the
	 * thread is interrupted.
	 * @param cutoff rows created before this go
	 * @return the number of rows deleted
	 */
	long deleteCreatedBefore(Instant cutoff) {
		UUID idBound = firstIdAt(cutoff);
		LocalDateTime createdBound = OutboxTable.createdAt(cutoff);
		long deleted = 0;
		int batch;
		do {
			batch = this.jdbcTemplate.update(this.deleteBatch, idBound, createdBound, this.batchSize);
			deleted += batch;
		}
		while (batch == this.batchSize && !Thread.currentThread().isInterrupted());
		return deleted;
	}

	/**
	 * Returns the smallest UUIDv7 of the given millisecond: every id created at or after it is
	 * greater or equal.
	 * @param instant the instant
	 * @return the bound
	 */
	static UUID firstIdAt(Instant instant) {
		long millis = Math.max(0, instant.toEpochMilli());
		long mostSignificant = (millis << 16) | 0x7000L;
		long leastSignificant = 0x8000000000000000L;
		return new UUID(mostSignificant, leastSignificant);
	}

}
