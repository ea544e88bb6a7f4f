package io.github.outbox.publish;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outbox table as the database has it, read once at start-up: the check that it exists
 * with the columns the writer needs, and the lengths its text columns allow, so that an event
 * that does not fit is refused when it is published rather than when its transaction commits.
 *
 * @param table the table
 * @param aggregateTypeLength the longest aggregate type the table takes
 * @param aggregateIdLength the longest aggregate id the table takes
 * @param typeLength the longest event type the table takes
 */
record OutboxTableLayout(OutboxTable table, int aggregateTypeLength, int aggregateIdLength, int typeLength) {

	private static final Map<String, Set<String>> REQUIRED_COLUMN_TYPES = requiredColumnTypes();

	private static Map<String, Set<String>> requiredColumnTypes() {
		Map<String, Set<String>> types = new LinkedHashMap<>();
		Set<String> text = Set.of("character varying", "text");
		Set<String> json = Set.of("jsonb", "json");
		types.put("id", Set.of("uuid"));
		types.put("aggregatetype", text);
		types.put("aggregateid", text);
		types.put("type", text);
		types.put("payload", json);
		types.put("headers", json);
		return types;
	}

	static OutboxTableLayout read(JdbcTemplate jdbcTemplate, OutboxTable table) {
		Map<String, Column> columns = new HashMap<>();
		try {
			jdbcTemplate.query("""
					SELECT column_name, data_type, character_maximum_length
					FROM information_schema.columns
					WHERE table_schema = ? AND table_name = ?
					""", (row) -> {
				Integer length = (Integer) row.getObject(3);
				columns.put(row.getString(1), new Column(row.getString(2), length));
			}, table.schema(), table.name());
		}
		catch (DataAccessException ex) {
			throw new OutboxTableException(table, "could not be checked: " + ex.getMostSpecificCause().getMessage(),
					"Make sure the database is reachable when the application starts.", ex);
		}
		if (columns.isEmpty()) {
			throw new OutboxTableException(table, "does not exist", OutboxTableException.CREATE_ADVICE, null);
		}
		List<String> problems = new ArrayList<>();
		REQUIRED_COLUMN_TYPES.forEach((name, types) -> {
			Column column = columns.get(name);
			if (column == null) {
				problems.add("column " + name + " is missing");
			}
			else if (!types.contains(column.type())) {
				problems.add("column " + name + " is " + column.type() + " rather than " + String.join(" or ", types));
			}
		});
		if (!problems.isEmpty()) {
			throw new OutboxTableException(table, "does not have the expected columns (" + String.join(", ", problems) + ")",
					"Create it with the outbox migrations (see docs/schema.md) or make it match them.", null);
		}
		return new OutboxTableLayout(table, columns.get("aggregatetype").maxLength(),
				columns.get("aggregateid").maxLength(), columns.get("type").maxLength());
	}

	private record Column(String type, @Nullable Integer length) {

		int maxLength() {
			return (this.length != null) ? this.length : Integer.MAX_VALUE;
		}

	}

}
