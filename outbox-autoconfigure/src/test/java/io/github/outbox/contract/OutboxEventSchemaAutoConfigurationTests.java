package io.github.outbox.contract;

import java.util.ArrayList;
import java.util.List;

import com.github.victools.jsonschema.generator.SchemaGenerator;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OutboxEventSchemaAutoConfiguration}.
 */
class OutboxEventSchemaAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication()
		.withConfiguration(AutoConfigurations.of(OutboxEventSchemaAutoConfiguration.class))
		.withPropertyValues(TestDatabase.createForProperties("contract_autoconfig"));

	@Test
	void registersTheApplicationsEventClassesInTheTableByDefault() {
		this.contextRunner.withUserConfiguration(Events.class).run((context) -> {
			assertThat(context).hasSingleBean(EventSchemaRegistration.class)
				.getBean(EventSchemaRegistry.class)
				.isInstanceOf(JdbcEventSchemaRegistry.class);
			assertThat(context.getBean(EventSchemaRegistration.class)
				.versionOf(io.github.outbox.contract.v1.OrderEvent.OrderPlaced.class)).isNotNull();
		});
	}

	@Test
	void registersInTheApplicationsOwnRegistryUnderTheConfiguredMode() {
		this.contextRunner.withUserConfiguration(Events.class, OwnRegistry.class)
			.withPropertyValues("outbox.schema.compatibility=full-transitive")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(JdbcEventSchemaRegistry.class);
				assertThat(context.getBean(OwnRegistry.class).registered).containsExactly(
						"OrderCancelled FULL_TRANSITIVE", "OrderPlaced FULL_TRANSITIVE");
				assertThat(context.getBean(EventSchemaRegistration.class)
					.versionOf(io.github.outbox.contract.v1.OrderEvent.OrderPlaced.class)).isEqualTo(42);
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withUserConfiguration(Events.class)
			.withPropertyValues("outbox.schema.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EventSchemaRegistration.class)
				.doesNotHaveBean(EventSchemaRegistry.class)
				.hasSingleBean(OutboxPublisher.class));
	}

	@Test
	void backsOffWithoutTheSchemaGenerator() {
		this.contextRunner.withUserConfiguration(Events.class)
			.withClassLoader(new FilteredClassLoader(SchemaGenerator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EventSchemaRegistration.class)
				.hasSingleBean(OutboxPublisher.class));
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = io.github.outbox.contract.v1.OrderEvent.class)
	static class Events {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRegistry {

		final List<String> registered = new ArrayList<>();

		@Bean
		EventSchemaRegistry externalRegistry() {
			return (schema, compatibility) -> {
				this.registered.add(schema.eventType() + " " + compatibility);
				return 42;
			};
		}

	}

}
