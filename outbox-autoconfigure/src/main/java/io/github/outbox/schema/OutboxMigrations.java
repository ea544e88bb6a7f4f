package io.github.outbox.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox migrations: where they are, the placeholders they need, and how they are applied.
 * The SQL lives in {@code db/migration} at the root of the project and is packaged under
 * {@link #LOCATION}.
 * <p>
 * They are applied by a Flyway of their own, recorded in a history table of their own in the
 * outbox schema, so that they never meet the application's history: a database that the
 * application migrates with Flyway, with another tool or with Hibernate's {@code ddl-auto}
 * takes them alike.
 */
final class OutboxMigrations {

	private static final Logger logger = LoggerFactory.getLogger(OutboxMigrations.class);

	static final String LOCATION = "classpath:io/github/outbox/db/migration";

	private final OutboxTable table;

	private final OutboxFlywayProperties properties;

	private boolean applied;

	OutboxMigrations(OutboxTable table, OutboxFlywayProperties properties) {
		this.table = table;
		this.properties = properties;
	}

	static Map<String, String> placeholders(OutboxTable table) {
		return Map.of("outbox_schema", table.schema(), "outbox_table", table.name(), "outbox_publication",
				table.publication(), "outbox_inbox", table.inbox(), "outbox_signal", table.signal(),
				"outbox_relay_position", table.relayPosition(), "outbox_event_schema", table.eventSchema());
	}

	/**
	 * Applies the outbox migrations that the history table does not record yet, once per
	 * application context: from the application's Flyway ({@link OutboxMigrationsFirstCallback})
	 * or the database initializer ({@link OutboxFlywayMigration}), whichever comes first.
	 * @param dataSource where to apply them
	 */
	synchronized void applyOnce(DataSource dataSource) {
		if (this.applied) {
			return;
		}
		if (!this.properties.isCreateSchema()) {
			requireSchema(dataSource, this.table.schema());
		}
		String historyTable = this.properties.getHistoryTable();
		Flyway flyway = Flyway.configure(OutboxMigrations.class.getClassLoader())
			.dataSource(dataSource)
			.schemas(this.table.schema())
			.createSchemas(this.properties.isCreateSchema())
			.table(historyTable)
			.locations(LOCATION)
			.placeholders(placeholders(this.table))
			// The schema usually holds the application's tables already: start the history
			// below every outbox migration rather than refusing a non-empty schema.
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load();
		MigrateResult result = flyway.migrate();
		logger.debug("Applied {} outbox migration(s) recorded in {}.{}", result.migrationsExecuted,
				this.table.schema(), historyTable);
		this.applied = true;
	}

	// A typo in outbox.table.schema must not create a schema nobody asked for.
	private static void requireSchema(DataSource dataSource, String schema) {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection
					.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)")) {
			statement.setString(1, schema);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				if (!result.getBoolean(1)) {
					throw new OutboxSchemaMissingException(schema);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Checking that the outbox schema '" + schema + "' exists failed", ex);
		}
	}

}
