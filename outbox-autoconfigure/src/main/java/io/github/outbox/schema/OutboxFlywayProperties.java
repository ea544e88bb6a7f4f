package io.github.outbox.schema;

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
	 * Name of the Flyway schema history table of the outbox migrations, kept in the outbox
	 * table's schema, apart from the application's own history.
	 */
	private String historyTable = "outbox_schema_history";

	/**
	 * Whether the outbox migrations may create the schema named by outbox.table.schema when
	 * it does not exist. Off, a missing schema stops the application, so that a typo does not
	 * go unnoticed.
	 */
	private boolean createSchema;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getHistoryTable() {
		return this.historyTable;
	}

	public void setHistoryTable(String historyTable) {
		this.historyTable = historyTable;
	}

	public boolean isCreateSchema() {
		return this.createSchema;
	}

	public void setCreateSchema(boolean createSchema) {
		this.createSchema = createSchema;
	}

	@Override
	public boolean supports(Class<?> type) {
		return OutboxFlywayProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		OutboxTableProperties.reject(errors, "historyTable", ((OutboxFlywayProperties) target).getHistoryTable());
	}

}
