package io.github.outbox.starter;

import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service adds the starter to a database that it already uses: its tables made by
 * Hibernate's {@code ddl-auto}, no Flyway history. Run on the starter's own class path, as a
 * user's service has it.
 */
class ServiceAddingTheOutboxTests {

	@Test
	void serviceWhoseTablesHibernateCreatedStartsWithTheOutboxAndWritesItsEvents() {
		Database database = EmbeddedPostgresServer.shared().createDatabase("starter_ddl_auto");
		// The service before it had the starter: Hibernate makes its table, no Flyway runs.
		start(database, "outbox.enabled=false", "spring.flyway.enabled=false").close();
		try (ConfigurableApplicationContext context = start(database)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForList("SELECT version FROM outbox_schema_history WHERE success ORDER BY installed_rank",
					String.class))
				.containsExactly("0", "1.0.0.1", "1.0.0.2", "1.0.0.3", "1.0.0.4", "1.0.0.5", "1.0.0.6");
			UUID id = UUID.randomUUID();
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				context.getBean(EntityManager.class).persist(new Customer(id, "alice"));
				context.getBean(OutboxPublisher.class).publish(new CustomerRegistered(id, "alice"));
			});
			assertThat(jdbc.queryForList("SELECT aggregateid FROM outbox_event", String.class))
				.containsExactly(id.toString());
		}
		try (ConfigurableApplicationContext context = start(database)) {
			assertThat(context.getBean(JdbcTemplate.class).queryForObject("SELECT count(*) FROM outbox_schema_history",
					Integer.class))
				.isEqualTo(7);
		}
	}

	@Test
	void starterDoesNotTurnOnSpringBootsFlywayForTheApplicationsSchema() {
		assertThat(ClassUtils.isPresent("org.flywaydb.core.Flyway", null)).isTrue();
		assertThat(ClassUtils.isPresent("org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration", null))
			.isFalse();
	}

	private static ConfigurableApplicationContext start(Database database, String... properties) {
		return new SpringApplicationBuilder(CustomerService.class).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.username(),
					"spring.jpa.hibernate.ddl-auto=update", "spring.jpa.open-in-view=false",
					"spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EntityScan(basePackageClasses = Customer.class)
	static class CustomerService {

	}

	@Entity
	static class Customer {

		@Id
		private UUID id;

		private String name;

		protected Customer() {
		}

		Customer(UUID id, String name) {
			this.id = id;
			this.name = name;
		}

		UUID getId() {
			return this.id;
		}

		String getName() {
			return this.name;
		}

	}

	@OutboxEvent(aggregateType = "customer")
	record CustomerRegistered(@AggregateId UUID customerId, String name) {
	}

}
