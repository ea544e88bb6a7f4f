package io.github.outbox.publish;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when the outbox table is missing or not as the writer needs it.
 * {@link OutboxTableFailureAnalyzer} turns it into a report of what to change.
 */
class OutboxTableException extends RuntimeException {

	static final String CREATE_ADVICE = """
			The outbox migrations create it, with a Flyway of their own at start-up: check that Flyway \
			(org.flywaydb:flyway-core, which the starter brings) is on the class path and that \
			outbox.flyway.enabled is not false. If you run migrations yourself, apply the SQL in the \
			outbox starter's db/migration folder (see docs/schema.md). If the \
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
