package io.github.outbox.devservices;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Runs an application on dev services, when {@code outbox.dev-services.enabled=true} and it
 * names no database or Kafka of its own: an embedded PostgreSQL (logical replication on) and an
 * embedded Kafka broker, started with the application context and stopped with it, after
 * everything that uses them. They are offered
 * the way Spring Boot's Docker Compose and Testcontainers support offer services: as
 * {@link JdbcConnectionDetails} and {@link KafkaConnectionDetails}.
 * <p>
 * Setting {@code spring.datasource.url} or {@code spring.kafka.bootstrap-servers}, or providing
 * connection details of another kind (a Testcontainers {@code @ServiceConnection}, Docker
 * Compose), replaces the corresponding dev service. Off unless enabled, so that having this
 * module on the class path (as tests do) starts nothing by itself.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(before = { DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class })
@ConditionalOnBooleanProperty("outbox.dev-services.enabled")
public final class DevServicesAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcConnectionDetails.class)
	@ConditionalOnMissingBean(JdbcConnectionDetails.class)
	@Conditional(NoDataSourceUrl.class)
	static class PostgresDevService {

		@Bean(destroyMethod = "close")
		EmbeddedPostgresServer devServicesPostgres() {
			return EmbeddedPostgresServer.start();
		}

		@Bean
		EmbeddedPostgresServer.Database devServicesDatabase(EmbeddedPostgresServer devServicesPostgres) {
			return devServicesPostgres.createDatabase("app");
		}

		@Bean
		JdbcConnectionDetails devServicesJdbcConnectionDetails(EmbeddedPostgresServer.Database database) {
			return new JdbcConnectionDetails() {

				@Override
				public String getUsername() {
					return database.username();
				}

				@Override
				public String getPassword() {
					return "";
				}

				@Override
				public String getJdbcUrl() {
					return database.jdbcUrl();
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(KafkaConnectionDetails.class)
	@ConditionalOnMissingBean(KafkaConnectionDetails.class)
	@Conditional(NoKafkaBootstrapServers.class)
	static class KafkaDevService {

		@Bean(destroyMethod = "close")
		EmbeddedKafkaServer devServicesKafka(Environment environment) {
			// Behind a proxy that can be cut, for applications that simulate Kafka outages.
			boolean outageSwitch = environment.getProperty("outbox.dev-services.kafka.outage-switch", Boolean.class,
					false);
			return outageSwitch ? EmbeddedKafkaServer.startWithOutageSwitch() : EmbeddedKafkaServer.start();
		}

		@Bean
		KafkaConnectionDetails devServicesKafkaConnectionDetails(EmbeddedKafkaServer devServicesKafka) {
			return () -> List.of(devServicesKafka.bootstrapServers());
		}

	}

	@Bean
	DevServicesReport devServicesReport(ObjectProvider<EmbeddedPostgresServer.Database> database,
			ObjectProvider<EmbeddedKafkaServer> kafka, Environment environment) {
		return new DevServicesReport(database, kafka, environment);
	}

	static final class NoDataSourceUrl extends NoneNestedConditions {

		NoDataSourceUrl() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("spring.datasource.url")
		static final class DataSourceUrl {

		}

	}

	static final class NoKafkaBootstrapServers extends NoneNestedConditions {

		NoKafkaBootstrapServers() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("spring.kafka.bootstrap-servers")
		static final class BootstrapServers {

		}

	}

}
