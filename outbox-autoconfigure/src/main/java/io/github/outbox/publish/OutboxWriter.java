package io.github.outbox.publish;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts outbox rows. The {@link JdbcTemplate} takes its connection from the transaction
 * bound to the outbox {@code DataSource}, so rows are written by the business transaction.
 * With delete-after-insert, the same transaction deletes them again: the inserts stay in the
 * write-ahead log for the relay, and the publication leaves the deletes out.
 */
final class OutboxWriter {

	private final JdbcTemplate jdbcTemplate;

	private final String insert;

	private final @Nullable String delete;

	private final String insertOne;

	private final PublishMetrics metrics;

	OutboxWriter(JdbcTemplate jdbcTemplate, OutboxTable table, boolean deleteAfterInsert, PublishMetrics metrics) {
		this.jdbcTemplate = jdbcTemplate;
		this.metrics = metrics;
		// created_at and tracingspancontext keep their defaults.
		this.insert = "INSERT INTO " + table.qualifiedName() + " (id, aggregatetype, aggregateid, type, payload, headers)"
				+ " VALUES (?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))";
		this.delete = (deleteAfterInsert) ? "DELETE FROM " + table.qualifiedName() + " WHERE id = ANY (?)" : null;
		// One row with delete-after-insert: its delete follows the insert in the same statement
		// text, which PgJDBC sends in one round trip (measured: 42% -> 47% of a one-row business
		// transaction's rate). PgJDBC cannot batch such statements, so several rows keep two.
		this.insertOne = (deleteAfterInsert)
				? this.insert + "; DELETE FROM " + table.qualifiedName() + " WHERE id = ?" : this.insert;
	}

	void write(List<OutboxRecord> records) {
		long started = System.nanoTime();
		insert(records);
		this.metrics.written(Duration.ofNanos(System.nanoTime() - started));
	}

	/**
	 * Returns whether committed rows are reported, so that nobody counts them for nothing.
	 * @return whether {@link #committed(Map)} reports anywhere
	 */
	boolean reportsCommits() {
		return this.metrics != PublishMetrics.NONE;
	}

	/**
	 * Reports the rows of a transaction that committed.
	 * @param counts how many of each type
	 */
	void committed(Map<PublishMetrics.EventType, Integer> counts) {
		this.metrics.committed(counts);
	}

	private void insert(List<OutboxRecord> records) {
		if (records.size() == 1) {
			OutboxRecord record = records.get(0);
			this.jdbcTemplate.update(this.insertOne, (statement) -> {
				setValues(statement, record);
				if (this.delete != null) {
					statement.setObject(7, record.id());
				}
			});
			return;
		}
		if (!records.isEmpty()) {
			this.jdbcTemplate.batchUpdate(this.insert, records, records.size(), OutboxWriter::setValues);
		}
		if (this.delete != null && !records.isEmpty()) {
			UUID[] ids = records.stream().map(OutboxRecord::id).toArray(UUID[]::new);
			this.jdbcTemplate.update(this.delete,
					(statement) -> statement.setArray(1, statement.getConnection().createArrayOf("uuid", ids)));
		}
	}

	private static void setValues(PreparedStatement statement, OutboxRecord record) throws SQLException {
		statement.setObject(1, record.id());
		statement.setString(2, record.aggregateType());
		statement.setString(3, record.aggregateId());
		statement.setString(4, record.type());
		statement.setString(5, record.payload());
		if (record.headers() != null) {
			statement.setString(6, record.headers());
		}
		else {
			statement.setNull(6, Types.VARCHAR);
		}
	}

}
