package io.github.outbox.schema;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the outbox table and of the Flyway migrations that create it and its
 * publication, recorded in a history table of their own.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ OutboxTableProperties.class, OutboxFlywayProperties.class })
public final class OutboxSchemaAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OutboxTable outboxTable(OutboxTableProperties properties) {
		return properties.toTable();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Flyway.class)
	@ConditionalOnBooleanProperty(name = "outbox.flyway.enabled", matchIfMissing = true)
	static class OutboxFlywayConfiguration {

		@Bean
		OutboxMigrations outboxMigrations(OutboxTable table, OutboxFlywayProperties properties) {
			return new OutboxMigrations(table, properties);
		}

		@Bean
		@ConditionalOnSingleCandidate(DataSource.class)
		OutboxFlywayMigration outboxFlywayMigration(OutboxMigrations outboxMigrations, DataSource dataSource,
				ObjectProvider<Flyway> flyway) {
			// Migrate through the application's Flyway connection when there is one: it may
			// use a user allowed to run DDL that the application's pool does not have.
			DataSource migrationDataSource = flyway.stream()
				.map((applicationFlyway) -> applicationFlyway.getConfiguration().getDataSource())
				.findFirst()
				.orElse(dataSource);
			return new OutboxFlywayMigration(outboxMigrations, migrationDataSource);
		}

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		OutboxMigrationsFirstCallback outboxMigrationsFirstCallback(OutboxMigrations outboxMigrations) {
			return new OutboxMigrationsFirstCallback(outboxMigrations);
		}

	}

}
