package io.github.outbox.publish;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when the outbox table is missing or not as the writer needs it.
 * {@link OutboxTableFailureAnalyzer} turns it into a report of what to change.
 */
class OutboxTableException extends RuntimeException {

	static final String CREATE_ADVICE = """
			The outbox migrations create it. By default they run with the application's Flyway: check that \
			Flyway is on the class path and that neither spring.flyway.enabled nor outbox.flyway.enabled is false, \
			or set outbox.flyway.history-table to apply them with a Flyway of their own. If you run migrations \
			yourself, apply the SQL in the outbox starter's db/migration folder (see docs/schema.md). If the \
			table exists under another name, set outbox.table.schema and outbox.table.name to it.""";

	private final String advice;

	OutboxTableException(OutboxTable table, String problem, String advice, @Nullable Throwable cause) {
		super("The outbox table " + table + " " + problem + ".", cause);
		this.advice = advice;
	}

	String getAdvice() {
		return this.advice;
	}

}
