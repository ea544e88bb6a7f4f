package io.github.outbox.testsupport;

import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the outbox table the way a test asserts on it: every column, in insertion order.
 */
public final class OutboxRows {

	private OutboxRows() {
	}

	public static List<Row> all(JdbcTemplate jdbcTemplate) {
		return all(jdbcTemplate, "\"public\".\"outbox_event\"");
	}

	public static List<Row> all(JdbcTemplate jdbcTemplate, String qualifiedTable) {
		return jdbcTemplate.query("SELECT id, aggregatetype, aggregateid, type, payload::text, headers::text, "
				+ "tracingspancontext, created_at, xmin::text FROM " + qualifiedTable + " ORDER BY id",
				(rs, rowNum) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getString(5), rs.getString(6), rs.getString(7),
						rs.getObject(8, LocalDateTime.class), rs.getString(9)));
	}

	public static void deleteAll(JdbcTemplate jdbcTemplate) {
		jdbcTemplate.update("DELETE FROM \"public\".\"outbox_event\"");
	}

	/**
	 * One outbox row.
	 *
	 * @param id the event id
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param type the event type
	 * @param payload the payload as PostgreSQL renders jsonb
	 * @param headers the headers as PostgreSQL renders jsonb
	 * @param tracingSpanContext the trace context
	 * @param createdAt when it was written (UTC)
	 * @param transactionId the id of the transaction that inserted it ({@code xmin})
	 */
	public record Row(UUID id, String aggregateType, String aggregateId, String type, String payload,
			@Nullable String headers, @Nullable String tracingSpanContext, LocalDateTime createdAt,
			String transactionId) {

	}

}
