package io.github.outbox.schema;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * How the outbox migrations are applied ({@code outbox.flyway.*}).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@ConfigurationProperties("outbox.flyway")
public class OutboxFlywayProperties implements Validator {

	/**
	 * Whether to apply the outbox migrations with Flyway at start-up. Turn off to run them
	 * yourself.
	 */
	private boolean enabled = true;

	/**
	 * Name of a separate Flyway schema history table for the outbox migrations, kept in the
	 * outbox table's schema. When not set, the migrations are applied by the application's
	 * Flyway and recorded in its history table.
	 */
	private @Nullable String historyTable;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getHistoryTable() {
		return this.historyTable;
	}

	public void setHistoryTable(@Nullable String historyTable) {
		this.historyTable = historyTable;
	}

	@Override
	public boolean supports(Class<?> type) {
		return OutboxFlywayProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		String historyTable = ((OutboxFlywayProperties) target).getHistoryTable();
		if (historyTable != null) {
			OutboxTableProperties.reject(errors, "historyTable", historyTable);
		}
	}

}
