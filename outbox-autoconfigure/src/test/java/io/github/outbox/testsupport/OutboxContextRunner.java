package io.github.outbox.testsupport;

import io.github.outbox.cleanup.OutboxCleanupAutoConfiguration;
import io.github.outbox.publish.OutboxPublishAutoConfiguration;
import io.github.outbox.schema.OutboxSchemaAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;

/**
 * An {@link ApplicationContextRunner} for a JDBC application with Flyway and Jackson, as a
 * service using the starter has them, plus the outbox auto-configurations.
 */
public final class OutboxContextRunner {

	private OutboxContextRunner() {
	}

	public static ApplicationContextRunner jdbcApplication() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				TransactionManagerCustomizationAutoConfiguration.class, FlywayAutoConfiguration.class,
				JacksonAutoConfiguration.class, OutboxSchemaAutoConfiguration.class,
				OutboxPublishAutoConfiguration.class, OutboxCleanupAutoConfiguration.class));
	}

}
