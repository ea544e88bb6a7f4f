package io.github.outbox.publish;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

import io.github.outbox.schema.OutboxTable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts outbox rows. The {@link JdbcTemplate} takes its connection from the transaction
 * bound to the outbox {@code DataSource}, so rows are written by the business transaction.
 */
final class OutboxWriter {

	private final JdbcTemplate jdbcTemplate;

	private final String insert;

	OutboxWriter(JdbcTemplate jdbcTemplate, OutboxTable table) {
		this.jdbcTemplate = jdbcTemplate;
		// created_at and tracingspancontext keep their defaults.
		this.insert = "INSERT INTO " + table.qualifiedName() + " (id, aggregatetype, aggregateid, type, payload, headers)"
				+ " VALUES (?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))";
	}

	void write(List<OutboxRecord> records) {
		if (records.size() == 1) {
			this.jdbcTemplate.update(this.insert, (statement) -> setValues(statement, records.get(0)));
		}
		else if (!records.isEmpty()) {
			this.jdbcTemplate.batchUpdate(this.insert, records, records.size(), OutboxWriter::setValues);
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
