package io.github.outbox.schema;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains the failure of adding the outbox migrations to the history of a database that the
 * application's Flyway has already migrated past their versions. Flyway's own advice,
 * ignoring them, would leave the database without an outbox table.
 */
class OutboxMigrationsNotAppliedFailureAnalyzer implements FailureAnalyzer {

	// Matched by name so that this analyzer loads without Flyway on the class path.
	private static final String VALIDATE_EXCEPTION = "org.flywaydb.core.api.exception.FlywayValidateException";

	private static final Pattern OUTBOX_MIGRATION_NOT_APPLIED = Pattern
		.compile("not applied to database: (" + Pattern.quote(OutboxMigrations.VERSION_PREFIX) + "\\d+)");

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getClass().getName().equals(VALIDATE_EXCEPTION) && cause.getMessage() != null) {
				Matcher matcher = OUTBOX_MIGRATION_NOT_APPLIED.matcher(cause.getMessage());
				if (matcher.find()) {
					return analysis(matcher.group(1), cause);
				}
			}
		}
		return null;
	}

	private FailureAnalysis analysis(String version, Throwable cause) {
		String description = "The outbox migrations (version " + version + " and after) cannot be added to the "
				+ "application's Flyway history: the database was already migrated past their versions, so Flyway "
				+ "treats them as out of order.";
		String action = """
				Set outbox.flyway.history-table=outbox_schema_history, so that the outbox migrations keep a history \
				table of their own (the usual choice for a database that existed before the outbox), or set \
				spring.flyway.out-of-order=true. Do not make Flyway ignore them: the outbox table would not be \
				created.""";
		return new FailureAnalysis(description, action, cause);
	}

}
