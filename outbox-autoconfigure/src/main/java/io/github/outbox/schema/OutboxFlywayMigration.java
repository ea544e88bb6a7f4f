package io.github.outbox.schema;

import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;

/**
 * Applies the outbox migrations at start-up, as a database initializer (see
 * {@link OutboxFlywayMigrationDetector}): after the application's own Flyway or Liquibase,
 * before anything that depends on database initialization. When the application's Flyway ran
 * them already ({@link OutboxMigrationsFirstCallback}), nothing is left to apply.
 */
final class OutboxFlywayMigration implements InitializingBean {

	private final DataSource dataSource;

	private final OutboxTable table;

	private final OutboxFlywayProperties properties;

	OutboxFlywayMigration(DataSource dataSource, OutboxTable table, OutboxFlywayProperties properties) {
		this.dataSource = dataSource;
		this.table = table;
		this.properties = properties;
	}

	@Override
	public void afterPropertiesSet() {
		OutboxMigrations.apply(this.dataSource, this.table, this.properties);
	}

}
