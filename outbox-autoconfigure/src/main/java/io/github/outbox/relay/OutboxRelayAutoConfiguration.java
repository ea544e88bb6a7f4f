package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.engine.DebeziumEngine;
import io.github.outbox.schema.OutboxSchemaAutoConfiguration;
import io.github.outbox.schema.OutboxTable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Auto-configuration of the embedded relay, which runs Debezium in the application to carry
 * the outbox's inserts to Kafka. Off unless {@code outbox.relay.enabled=true}.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class,
		OutboxSchemaAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ DebeziumEngine.class, PostgresConnector.class, KafkaProducer.class, KafkaProperties.class })
@ConditionalOnBooleanProperty(name = "outbox.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty("outbox.relay.enabled")
@ConditionalOnBean({ OutboxTable.class, KafkaConnectionDetails.class })
@EnableConfigurationProperties(OutboxRelayProperties.class)
public final class OutboxRelayAutoConfiguration {

	// How long the relay waits for Kafka's acknowledgements before reporting it unavailable.
	private static final Duration ACKNOWLEDGEMENT_PATIENCE = Duration.ofSeconds(10);

	@Bean
	RelayDatabase outboxRelayDatabase(ObjectProvider<JdbcConnectionDetails> jdbcConnectionDetails,
			OutboxRelayProperties properties) {
		return RelayDatabase.of(jdbcConnectionDetails.getIfAvailable(), properties.getDebezium());
	}

	@Bean
	ReplicationSlot outboxReplicationSlot(RelayDatabase outboxRelayDatabase, OutboxRelayProperties properties) {
		return new ReplicationSlot(outboxRelayDatabase, properties.getSlotName());
	}

	@Bean
	RelayActivity outboxRelayActivity() {
		return new RelayActivity(Clock.systemUTC());
	}

	@Bean
	ReplicationSlotMonitor outboxReplicationSlotMonitor(DataSource dataSource, OutboxRelayProperties properties) {
		return new ReplicationSlotMonitor(new JdbcTemplate(dataSource), properties.getSlotName());
	}

	@Bean
	OutboxRelay outboxRelay(RelayDatabase outboxRelayDatabase, OutboxTable table, OutboxRelayProperties properties,
			KafkaProperties kafkaProperties, KafkaConnectionDetails kafkaConnectionDetails,
			RelayActivity outboxRelayActivity) {
		Map<String, Object> producer = RelayKafkaClients.producer(kafkaProperties, kafkaConnectionDetails);
		Map<String, Object> admin = RelayKafkaClients.admin(kafkaProperties, kafkaConnectionDetails);
		Properties engine = OutboxConnectorSettings.forEmbeddedEngine(outboxRelayDatabase, table, properties,
				RelayKafkaClients.asStrings(admin));
		BackOff backOff = backOff(properties.getRetry());
		Supplier<EngineRun> engineRuns = () -> {
			KafkaProducer<byte[], byte[]> kafkaProducer = new KafkaProducer<>(producer, new ByteArraySerializer(),
					new ByteArraySerializer());
			Admin topicAdmin = properties.isCreateTopics() ? Admin.create(admin) : null;
			return new EngineRun(engine, kafkaProducer, topicAdmin,
					new KafkaEventSender(kafkaProducer, topicAdmin, backOff, ACKNOWLEDGEMENT_PATIENCE,
							outboxRelayActivity));
		};
		return new OutboxRelay(new RelayLeadership(outboxRelayDatabase, properties.getSlotName()), engineRuns,
				properties.getFailover().getCheckInterval(), backOff);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractHealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("outbox-relay")
	static class RelayHealthConfiguration {

		@Bean
		OutboxRelayHealthIndicator outboxRelayHealthIndicator(OutboxRelay outboxRelay,
				ReplicationSlotMonitor outboxReplicationSlotMonitor, RelayActivity outboxRelayActivity,
				OutboxRelayProperties properties) {
			return new OutboxRelayHealthIndicator(outboxRelay, outboxReplicationSlotMonitor, outboxRelayActivity,
					properties.getHealth(), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class RelayMetricsConfiguration {

		@Bean
		@ConditionalOnBean(MeterRegistry.class)
		RelayMetrics outboxRelayMetrics(MeterRegistry meterRegistry, RelayActivity outboxRelayActivity,
				ReplicationSlotMonitor outboxReplicationSlotMonitor) {
			return new RelayMetrics(meterRegistry, outboxRelayActivity, outboxReplicationSlotMonitor);
		}

	}

	private static BackOff backOff(OutboxRelayProperties.Retry retry) {
		ExponentialBackOff backOff = new ExponentialBackOff(retry.getInitialDelay().toMillis(), 2.0);
		backOff.setMaxInterval(retry.getMaxDelay().toMillis());
		return backOff;
	}

}
