package io.github.outbox.schema;

import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;

/**
 * Applies the outbox migrations at start-up, as a database initializer (see
 * {@link OutboxFlywayMigrationDetector}): after the application's own Flyway or Liquibase,
 * before anything that depends on database initialization. When the application's Flyway ran
 * them already ({@link OutboxMigrationsFirstCallback}), it does nothing.
 */
final class OutboxFlywayMigration implements InitializingBean {

	private final OutboxMigrations migrations;

	private final DataSource dataSource;

	OutboxFlywayMigration(OutboxMigrations migrations, DataSource dataSource) {
		this.migrations = migrations;
		this.dataSource = dataSource;
	}

	@Override
	public void afterPropertiesSet() {
		this.migrations.applyOnce(this.dataSource);
	}

}
