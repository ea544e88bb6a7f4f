package io.github.outbox.schema;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Applies the outbox migrations when the application's Flyway starts migrating, before the
 * application's own pending migrations, so that an application migration may change the
 * outbox table (widen a column, add an index) even on a new database. Spring Boot registers
 * every {@link Callback} bean with the Flyway it configures.
 */
final class OutboxMigrationsFirstCallback implements Callback {

	private final OutboxMigrations migrations;

	OutboxMigrationsFirstCallback(OutboxMigrations migrations) {
		this.migrations = migrations;
	}

	@Override
	public boolean supports(Event event, Context context) {
		return event == Event.BEFORE_MIGRATE;
	}

	@Override
	public boolean canHandleInTransaction(Event event, Context context) {
		return true;
	}

	@Override
	public void handle(Event event, Context context) {
		this.migrations.applyOnce(context.getConfiguration().getDataSource());
	}

	@Override
	public String getCallbackName() {
		return "outbox migrations";
	}

}
