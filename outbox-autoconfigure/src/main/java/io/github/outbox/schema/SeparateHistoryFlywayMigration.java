package io.github.outbox.schema;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;

/**
 * Applies the outbox migrations with a Flyway of their own, recorded in a separate history
 * table in the outbox schema. Runs after the application's Flyway (see
 * {@link SeparateHistoryFlywayMigrationDetector}), so that each sees the other's tables as
 * existing objects rather than as a schema nobody migrated.
 */
final class SeparateHistoryFlywayMigration implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(SeparateHistoryFlywayMigration.class);

	private final DataSource dataSource;

	private final OutboxTable table;

	private final String historyTable;

	SeparateHistoryFlywayMigration(DataSource dataSource, OutboxTable table, String historyTable) {
		this.dataSource = dataSource;
		this.table = table;
		this.historyTable = historyTable;
	}

	@Override
	public void afterPropertiesSet() {
		Flyway flyway = Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.schemas(this.table.schema())
			.table(this.historyTable)
			.locations(OutboxMigrations.LOCATION)
			.placeholders(OutboxMigrations.placeholders(this.table))
			// The schema usually holds the application's tables already: start a history
			// below every outbox migration rather than refusing a non-empty schema.
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load();
		MigrateResult result = flyway.migrate();
		logger.debug("Applied {} outbox migration(s) recorded in {}.{}", result.migrationsExecuted,
				this.table.schema(), this.historyTable);
	}

}
