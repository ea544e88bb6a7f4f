package io.github.outbox.contract;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.github.victools.jsonschema.generator.SchemaGenerator;
import io.github.outbox.schema.OutboxSchemaAutoConfiguration;
import io.github.outbox.schema.OutboxTable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Auto-configuration of the event schema registry: the schema of each {@code @OutboxEvent}
 * class of the application's packages is registered at start-up, and an incompatible change
 * stops the start-up.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
		OutboxSchemaAutoConfiguration.class })
@ConditionalOnClass({ JsonMapper.class, SchemaGenerator.class, JdbcTemplate.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean({ OutboxTable.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OutboxEventSchemaProperties.class)
public final class OutboxEventSchemaAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "outbox.schema.enabled", matchIfMissing = true)
	EventSchemaRegistry eventSchemaRegistry(DataSource dataSource, OutboxTable table, Environment environment) {
		return new JdbcEventSchemaRegistry(dataSource, table, environment.getProperty("spring.application.name"));
	}

	@Bean
	@DependsOnDatabaseInitialization
	@ConditionalOnBooleanProperty(name = "outbox.schema.enabled", matchIfMissing = true)
	EventSchemaRegistration eventSchemaRegistration(BeanFactory beanFactory, Environment environment,
			ResourceLoader resourceLoader, JsonMapper jsonMapper, EventSchemaRegistry registry,
			OutboxEventSchemaProperties properties) {
		return new EventSchemaRegistration(() -> {
			List<String> packages = new ArrayList<>(properties.getPackages());
			if (AutoConfigurationPackages.has(beanFactory)) {
				packages.addAll(AutoConfigurationPackages.get(beanFactory));
			}
			return EventClasses.scan(packages, environment, resourceLoader);
		}, new EventSchemaGenerator(jsonMapper), registry, properties.getCompatibility());
	}

}
