package io.github.outbox.publish;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

/**
 * Inserts outbox rows on the connection of the transaction they belong to, in one statement
 * and one round trip whatever their number. Before commit, the statement text also carries
 * the {@code COMMIT}: PostgreSQL runs the statements of one round trip in order and skips the
 * {@code COMMIT} if an insert fails, and PgJDBC then knows the transaction has ended (the
 * server reports its state after every round trip), so the application's own commit costs
 * nothing more. With delete-after-insert, the same statement deletes the rows again: the
 * inserts stay in the write-ahead log for the relay, and the publication leaves the deletes
 * out.
 */
final class OutboxWriter {

	private static final String COMMIT = "; COMMIT";

	// One row: its values inline, as PgJDBC prepares them once per connection.
	private final String insertOne;

	// Several rows: one array per column, inserted in publication order.
	private final String insertMany;

	private final boolean deleteAfterInsert;

	private final PublishMetrics metrics;

	OutboxWriter(OutboxTable table, boolean deleteAfterInsert, PublishMetrics metrics) {
		this.deleteAfterInsert = deleteAfterInsert;
		this.metrics = metrics;
		String columns = "INSERT INTO " + table.qualifiedName() + " (id, aggregatetype, aggregateid, type, payload, headers)";
		// created_at and tracingspancontext keep their defaults.
		this.insertOne = columns + " VALUES (?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))"
				+ ((deleteAfterInsert) ? "; DELETE FROM " + table.qualifiedName() + " WHERE id = ?" : "");
		this.insertMany = columns + " SELECT id, aggregatetype, aggregateid, type, CAST(payload AS jsonb), "
				+ "CAST(headers AS jsonb) FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS text[]), "
				+ "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY "
				+ "AS r (id, aggregatetype, aggregateid, type, payload, headers, ord) ORDER BY ord"
				+ ((deleteAfterInsert) ? "; DELETE FROM " + table.qualifiedName() + " WHERE id = ANY (?)" : "");
	}

	/**
	 * Inserts rows of a transaction that goes on.
	 * @param connection the transaction's connection
	 * @param records the rows, in publication order
	 * @throws SQLException if they could not be inserted
	 */
	void write(Connection connection, List<OutboxRecord> records) throws SQLException {
		execute(connection, records, "");
	}

	/**
	 * Inserts the last rows of a transaction and commits it, in one round trip.
	 * @param connection the transaction's connection
	 * @param records the rows, in publication order
	 * @throws SQLException if they could not be inserted (the transaction is then still open,
	 * and failed) or the commit failed
	 */
	void writeAndCommit(Connection connection, List<OutboxRecord> records) throws SQLException {
		execute(connection, records, COMMIT);
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

	private void execute(Connection connection, List<OutboxRecord> records, String then) throws SQLException {
		long started = System.nanoTime();
		if (records.size() == 1) {
			try (PreparedStatement statement = connection.prepareStatement(this.insertOne + then)) {
				OutboxRecord record = records.get(0);
				statement.setObject(1, record.id());
				statement.setString(2, record.aggregateType());
				statement.setString(3, record.aggregateId());
				statement.setString(4, record.type());
				statement.setString(5, record.payload());
				statement.setString(6, record.headers());
				if (this.deleteAfterInsert) {
					statement.setObject(7, record.id());
				}
				statement.execute();
			}
		}
		else {
			try (PreparedStatement statement = connection.prepareStatement(this.insertMany + then)) {
				UUID[] ids = records.stream().map(OutboxRecord::id).toArray(UUID[]::new);
				statement.setArray(1, connection.createArrayOf("uuid", ids));
				statement.setArray(2, texts(connection, records, OutboxRecord::aggregateType));
				statement.setArray(3, texts(connection, records, OutboxRecord::aggregateId));
				statement.setArray(4, texts(connection, records, OutboxRecord::type));
				statement.setArray(5, texts(connection, records, OutboxRecord::payload));
				statement.setArray(6, texts(connection, records, OutboxRecord::headers));
				if (this.deleteAfterInsert) {
					statement.setArray(7, connection.createArrayOf("uuid", ids));
				}
				statement.execute();
			}
		}
		this.metrics.written(Duration.ofNanos(System.nanoTime() - started));
	}

	private static Array texts(Connection connection, List<OutboxRecord> records,
			Function<OutboxRecord, @Nullable String> column) throws SQLException {
		return connection.createArrayOf("text", records.stream().map(column).toArray(String[]::new));
	}

}
