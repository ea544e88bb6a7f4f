package io.github.outbox.testsupport;

import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Fresh databases on the PostgreSQL server shared by all tests of this JVM, so that each test
 * class starts from an empty database without starting a server of its own.
 */
public final class TestDatabase {

	private TestDatabase() {
	}

	public static Database create(String prefix) {
		return EmbeddedPostgresServer.shared().createDatabase(prefix);
	}

	/**
	 * Creates a database and returns the properties that point Spring Boot at it.
	 * @param prefix the start of the database name
	 * @return {@code spring.datasource.*} properties
	 */
	public static String[] createForProperties(String prefix) {
		Database database = create(prefix);
		return new String[] { "spring.datasource.url=" + database.jdbcUrl(),
				"spring.datasource.username=" + database.username() };
	}

	public static void register(DynamicPropertyRegistry registry, String prefix) {
		Database database = create(prefix);
		registry.add("spring.datasource.url", database::jdbcUrl);
		registry.add("spring.datasource.username", database::username);
	}

}
