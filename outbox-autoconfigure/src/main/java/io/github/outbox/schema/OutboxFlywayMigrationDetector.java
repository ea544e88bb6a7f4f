package io.github.outbox.schema;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.boot.sql.init.dependency.DatabaseInitializerDetector;
import org.springframework.util.ClassUtils;

/**
 * Makes {@link OutboxFlywayMigration} a database initializer: beans that depend on
 * database initialization (JPA, the outbox publisher) wait for it, and it runs after the
 * application's Flyway, whose detector comes first.
 */
class OutboxFlywayMigrationDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	private static final boolean flywayPresent = ClassUtils.isPresent("org.flywaydb.core.Flyway",
			OutboxFlywayMigrationDetector.class.getClassLoader());

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return flywayPresent ? Set.of(OutboxFlywayMigration.class) : Set.of();
	}

	/**
	 * Orders this detector after Boot's Flyway and Liquibase detectors.
	 * @see DatabaseInitializerDetector#getOrder()
	 */
	@Override
	public int getOrder() {
		return 100;
	}

}
