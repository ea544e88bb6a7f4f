package io.github.outbox.contract;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.github.outbox.contract.shipped.InvoiceIssued;
import io.github.outbox.contract.shipped.InvoiceVoided;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry against a real PostgreSQL: an application's event classes registered at
 * start-up, a compatible change registered as the next version, an incompatible one stopping
 * the start-up with a report, and instances starting at once registering one version.
 */
class EventSchemaRegistryIntegrationTests {

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication()
		.withConfiguration(AutoConfigurations.of(OutboxEventSchemaAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@Test
	void theFirstStartRegistersVersionOneOfEachEventType() {
		String[] database = TestDatabase.createForProperties("contract_first");
		run(database, FirstVersion.class, (context) -> {
			assertThat(context).hasNotFailed();
			assertThat(versions(context)).containsExactly("order/OrderCancelled 1 by orders",
					"order/OrderPlaced 1 by orders");
			assertThat(jdbc(context).queryForObject(
					"SELECT event_class FROM outbox_event_schema WHERE event_type = 'OrderPlaced'", String.class))
				.isEqualTo(io.github.outbox.contract.v1.OrderEvent.OrderPlaced.class.getName());
			assertThat(jdbc(context).queryForObject(
					"SELECT schema -> 'properties' -> 'total' ->> 'type' FROM outbox_event_schema"
							+ " WHERE event_type = 'OrderPlaced'", String.class))
				.isEqualTo("number");
			assertThat(context.getBean(EventSchemaRegistration.class).versions())
				.containsEntry(io.github.outbox.contract.v1.OrderEvent.OrderPlaced.class, 1);
		});
	}

	@Test
	void anUnchangedRestartRegistersNothing() {
		String[] database = TestDatabase.createForProperties("contract_unchanged");
		run(database, FirstVersion.class, (context) -> assertThat(context).hasNotFailed());
		run(database, FirstVersion.class, (context) -> {
			assertThat(context).hasNotFailed();
			assertThat(versions(context)).hasSize(2);
		});
	}

	@Test
	void aCompatibleChangeBecomesTheNextVersionAndAnOlderClassKeepsItsVersion() {
		String[] database = TestDatabase.createForProperties("contract_compatible");
		run(database, FirstVersion.class, (context) -> assertThat(context).hasNotFailed());
		run(database, SecondVersion.class, (context) -> {
			assertThat(context).hasNotFailed();
			assertThat(versions(context)).containsExactly("order/OrderCancelled 1 by orders",
					"order/OrderPlaced 1 by orders", "order/OrderPlaced 2 by orders");
			assertThat(context.getBean(EventSchemaRegistration.class).versions())
				.containsEntry(io.github.outbox.contract.v2.OrderEvent.OrderPlaced.class, 2);
		});
		// An instance still on the first version (a rolling deploy, a rollback) starts as it is.
		run(database, FirstVersion.class, (context) -> {
			assertThat(context).hasNotFailed();
			assertThat(versions(context)).hasSize(3);
			assertThat(context.getBean(EventSchemaRegistration.class).versions())
				.containsEntry(io.github.outbox.contract.v1.OrderEvent.OrderPlaced.class, 1);
		});
	}

	@Test
	void anIncompatibleChangeStopsTheStartUpWithAReportAndRegistersNothing() {
		String[] database = TestDatabase.createForProperties("contract_incompatible");
		run(database, FirstVersion.class, (context) -> assertThat(context).hasNotFailed());
		run(database, RenamedTotal.class, (context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new IncompatibleEventSchemaFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("event type 'OrderPlaced'")
				.contains("aggregate type 'order'")
				.contains("is not FORWARD compatible")
				.contains("total: version 1 has number, the class has none: the class no longer writes it, "
						+ "and consumers of version 1 read it in every event");
			assertThat(analysis.getAction()).contains("@JsonProperty(\"<old name>\")")
				.contains("@OutboxEvent(type = \"OrderPlacedV2\")")
				.contains("outbox.schema.compatibility=NONE");
		});
		run(database, FirstVersion.class, (context) -> assertThat(versions(context)).hasSize(2));
	}

	@Test
	void theModeIsConfigurable() {
		String[] database = TestDatabase.createForProperties("contract_mode");
		run(database, FirstVersion.class, (context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.schema.compatibility=backward")
			.withUserConfiguration(SecondVersion.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(IncompatibleEventSchemaException.class)
				.hasMessageContaining("coupon: version 1 has none, the class has string or null: "
						+ "events of version 1 do not have it, and the class requires it"));
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.schema.compatibility=none")
			.withUserConfiguration(RenamedTotal.class)
			.run((context) -> assertThat(versions(context)).hasSize(3));
	}

	@Test
	void instancesStartingAtOnceRegisterOneVersion() {
		String[] database = TestDatabase.createForProperties("contract_concurrent");
		run(database, FirstVersion.class, (context) -> assertThat(context).hasNotFailed());
		List<CompletableFuture<Void>> instances = IntStream.range(0, 4)
			.mapToObj((instance) -> CompletableFuture.runAsync(
					() -> run(database, SecondVersion.class, (context) -> assertThat(context).hasNotFailed())))
			.toList();
		CompletableFuture.allOf(instances.toArray(CompletableFuture[]::new)).join();
		run(database, SecondVersion.class, (context) -> assertThat(versions(context))
			.containsExactly("order/OrderCancelled 1 by orders", "order/OrderPlaced 1 by orders",
					"order/OrderPlaced 2 by orders"));
	}

	@Test
	void concurrentRegistrationsOfOneSchemaAgreeOnItsVersion() {
		String[] database = TestDatabase.createForProperties("contract_registry");
		run(database, FirstVersion.class, (context) -> {
			EventSchemaRegistry registry = context.getBean(EventSchemaRegistry.class);
			EventSchema schema = new EventSchemaGenerator(JsonMapper.builder().build())
				.generate(io.github.outbox.contract.v2.OrderEvent.OrderPlaced.class);
			List<Integer> versions = IntStream.range(0, 8)
				.parallel()
				.mapToObj((attempt) -> registry.register(schema, SchemaCompatibility.FORWARD))
				.toList();
			assertThat(versions).containsOnly(2);
			assertThat(versions(context)).hasSize(3);
		});
	}

	@Test
	void aRegistrationWaitsForOneInProgressAndTakesTheVersionItAdded() {
		String[] database = TestDatabase.createForProperties("contract_lock");
		run(database, FirstVersion.class, (context) -> {
			EventSchemaRegistry registry = context.getBean(EventSchemaRegistry.class);
			EventSchema schema = new EventSchemaGenerator(JsonMapper.builder().build())
				.generate(io.github.outbox.contract.v2.OrderEvent.OrderPlaced.class);
			DataSource dataSource = context.getBean(DataSource.class);
			TransactionTemplate otherInstance = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			CompletableFuture<Integer> waiting = otherInstance.execute((status) -> {
				JdbcTemplate jdbc = new JdbcTemplate(dataSource);
				// Another instance is registering the same schema: it holds the lock...
				JdbcEventSchemaRegistry.lock(schema).acquireForTransaction(jdbc);
				CompletableFuture<Integer> registration = CompletableFuture
					.supplyAsync(() -> registry.register(schema, SchemaCompatibility.FORWARD));
				Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.until(() -> jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity"
							+ " WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
							Integer.class) == 1);
				// ...and adds version 2 before it commits.
				jdbc.update("INSERT INTO outbox_event_schema (aggregate_type, event_type, version, schema, fingerprint,"
						+ " event_class, registered_by) VALUES (?, ?, 2, ?::jsonb, ?, ?, 'other')", schema.aggregateType(),
						schema.eventType(), schema.text(), schema.fingerprint(), schema.eventClass());
				return registration;
			});
			assertThat(waiting.join()).isEqualTo(2);
			assertThat(versions(context)).containsExactly("order/OrderCancelled 1 by orders",
					"order/OrderPlaced 1 by orders", "order/OrderPlaced 2 by other");
		});
	}

	@Test
	void theVersionsTheServiceShipsAsFilesAreRegisteredFirstInTheirOrder() {
		String[] database = TestDatabase.createForProperties("contract_shipped");
		run(database, ShippedVersions.class, (context) -> {
			assertThat(context).hasNotFailed();
			assertThat(versions(context)).containsExactly("invoice/InvoiceIssued 1 by orders",
					"invoice/InvoiceIssued 2 by orders", "invoice/InvoiceVoided 1 by orders",
					"invoice/InvoiceVoided 2 by orders");
			assertThat(jdbc(context).queryForList(
					"SELECT event_class FROM outbox_event_schema ORDER BY event_type, version", String.class))
				.containsExactly("schema file InvoiceIssued.v1.json", InvoiceIssued.class.getName(),
						"schema file InvoiceVoided.v1.json", "schema file InvoiceVoided.v2.json");
			EventSchemaRegistration registration = context.getBean(EventSchemaRegistration.class);
			assertThat(registration.versionOf(InvoiceIssued.class)).isEqualTo(2);
			// The shipped versions broke deliberately between 1 and 2; the class is version 2.
			assertThat(registration.versionOf(InvoiceVoided.class)).isEqualTo(2);
		});
		run(database, ShippedVersions.class, (context) -> assertThat(versions(context)).hasSize(4));
	}

	@Test
	void packagesNamedInThePropertyAreSearchedToo() {
		String[] database = TestDatabase.createForProperties("contract_packages");
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.schema.packages=io.github.outbox.contract.shipped")
			.withUserConfiguration(FirstVersion.class)
			.run((context) -> assertThat(versions(context)).containsExactly("invoice/InvoiceIssued 1 by orders",
					"invoice/InvoiceIssued 2 by orders", "invoice/InvoiceVoided 1 by orders",
					"invoice/InvoiceVoided 2 by orders", "order/OrderCancelled 1 by orders",
					"order/OrderPlaced 1 by orders"));
	}

	@Test
	void disabledTheRegistryRegistersNothing() {
		String[] database = TestDatabase.createForProperties("contract_disabled");
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.schema.enabled=false")
			.withUserConfiguration(FirstVersion.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(EventSchemaRegistration.class);
				assertThat(versions(context)).isEmpty();
			});
	}

	private void run(String[] database, Class<?> application,
			org.springframework.boot.test.context.runner.ContextConsumer<AssertableApplicationContext> consumer) {
		this.contextRunner.withPropertyValues(database).withUserConfiguration(application).run(consumer);
	}

	private static List<String> versions(AssertableApplicationContext context) {
		return jdbc(context).queryForList("""
				SELECT aggregate_type || '/' || event_type || ' ' || version || ' by ' || registered_by
				FROM outbox_event_schema ORDER BY event_type, version""", String.class);
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = io.github.outbox.contract.v1.OrderEvent.class)
	static class FirstVersion {

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = io.github.outbox.contract.v2.OrderEvent.class)
	static class SecondVersion {

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = InvoiceIssued.class)
	static class ShippedVersions {

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = io.github.outbox.contract.renamed.OrderEvent.class)
	static class RenamedTotal {

	}

}
