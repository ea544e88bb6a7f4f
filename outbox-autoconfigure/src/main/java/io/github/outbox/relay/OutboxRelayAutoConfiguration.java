package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.engine.DebeziumEngine;
import io.github.outbox.schema.OutboxSchemaAutoConfiguration;
import io.github.outbox.schema.OutboxTable;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Auto-configuration of the embedded relay, which runs Debezium in the application to carry
 * the outbox's inserts to Kafka (off unless {@code outbox.relay.enabled=true}), and of the
 * watch on its replication slot (health and metrics), which instances that do not relay can
 * turn on with {@code outbox.relay.monitor.enabled=true}.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class,
		OutboxSchemaAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "outbox.enabled", matchIfMissing = true)
@ConditionalOnBean({ OutboxTable.class, DataSource.class })
@EnableConfigurationProperties(OutboxRelayProperties.class)
public final class OutboxRelayAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ DebeziumEngine.class, PostgresConnector.class, KafkaProducer.class, KafkaProperties.class,
			KafkaAdmin.class })
	@ConditionalOnBooleanProperty("outbox.relay.enabled")
	@ConditionalOnBean(KafkaConnectionDetails.class)
	static class EmbeddedRelayConfiguration {

		// How long a previous reader of the slot may take to let go before it is ended: one that
		// stopped lets go at once, one that froze never does (and this instance holds the lock,
		// so any other reader is stale).
		private static final Duration TAKE_OVER_PATIENCE = Duration.ofMillis(200);

		@Bean
		RelayDatabase outboxRelayDatabase(ObjectProvider<JdbcConnectionDetails> jdbcConnectionDetails,
				OutboxRelayProperties properties) {
			return RelayDatabase.of(jdbcConnectionDetails.getIfAvailable(), properties.getDebezium());
		}

		@Bean
		RelayPositionTable outboxRelayPositionTable(RelayDatabase outboxRelayDatabase, DataSource dataSource,
				OutboxTable table, OutboxRelayProperties properties) {
			return new RelayPositionTable(outboxRelayDatabase.positionDataSource(dataSource), table,
					properties.getSlotName());
		}

		@Bean
		RelayPreparation outboxRelayPreparation(RelayDatabase outboxRelayDatabase, DataSource dataSource,
				OutboxTable table, RelayPositionTable outboxRelayPositionTable, RelayActivity outboxRelayActivity,
				OutboxRelayProperties properties) {
			JdbcTemplate queries = new JdbcTemplate(queries(outboxRelayDatabase, dataSource));
			JdbcTemplate privileged = new JdbcTemplate(outboxRelayDatabase.dataSource(dataSource));
			return new RelayPreparation(outboxRelayDatabase, new RelayChecks(privileged, queries, table),
					new ReplicationSlot(privileged, properties.getSlotName()), outboxRelayPositionTable, table, queries,
					TAKE_OVER_PATIENCE, outboxRelayActivity);
		}

		@Bean
		RelayActivity outboxRelayActivity() {
			return new RelayActivity(Clock.systemUTC());
		}

		@Bean
		KafkaAvailability outboxRelayKafkaAvailability(KafkaProperties kafkaProperties,
				KafkaConnectionDetails kafkaConnectionDetails) {
			return new KafkaAvailability(String.join(",", kafkaConnectionDetails.getProducer().getBootstrapServers()),
					Clock.systemUTC());
		}

		@Bean
		OutboxRelay outboxRelay(RelayDatabase outboxRelayDatabase, DataSource dataSource, OutboxTable table,
				OutboxRelayProperties properties, RelayPreparation outboxRelayPreparation,
				RelayPositionTable outboxRelayPositionTable, RelayActivity outboxRelayActivity,
				KafkaAvailability outboxRelayKafkaAvailability, KafkaProperties kafkaProperties,
				KafkaConnectionDetails kafkaConnectionDetails, ObjectProvider<ProducerFactory<?, ?>> producerFactory,
				ObjectProvider<KafkaAdmin> kafkaAdmin) {
			OutboxRelayProperties.Failover failover = properties.getFailover();
			if (failover.getCheckInterval().multipliedBy(2).compareTo(failover.getLease()) > 0) {
				throw new RelayConfigurationException("outbox.relay.failover.check-interval (" + failover.getCheckInterval()
						+ ") must be at most half of outbox.relay.failover.lease (" + failover.getLease()
						+ "): the relaying instance renews its lease at each check, and would lose it in between.",
						"Shorten outbox.relay.failover.check-interval, or lengthen outbox.relay.failover.lease.");
			}
			RelayKafkaVersion.warnIfUntested();
			String clientId = "outbox-relay-" + properties.getSlotName();
			DefaultKafkaProducerFactory<byte[], byte[]> producers = RelayKafkaClients
				.producerFactory(producerFactory.getIfUnique(), kafkaProperties, kafkaConnectionDetails, clientId);
			BackOff backOff = backOff(properties.getRetry());
			TopicProvisioner topics = new TopicProvisioner(properties.isCreateTopics() ? RelayKafkaClients
				.admin(kafkaAdmin.getIfUnique(), kafkaProperties, kafkaConnectionDetails, clientId + "-admin") : null,
					outboxRelayKafkaAvailability, backOff, RelayKafkaClients.PATIENCE);
			Properties engine = OutboxConnectorSettings.forEmbeddedEngine(outboxRelayDatabase, table, properties);
			return new OutboxRelay(
					new RelayLeadership(outboxRelayDatabase.dataSource(dataSource), properties.getSlotName(),
							failover.getLease(), failover.getCheckInterval()),
					outboxRelayPreparation,
					() -> new EngineRun(engine, outboxRelayPositionTable, producers,
							(producer) -> new BatchSender(producer, topics, outboxRelayKafkaAvailability,
									outboxRelayActivity, RelayKafkaClients.PATIENCE, Clock.systemUTC())),
					failover.getCheckInterval(), backOff, properties.getShutdownTimeout(),
					Clock.systemUTC(), new StandbyWarmUp(engine, producers));
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "ch.qos.logback.classic.LoggerContext")
		static class RelayLoggingConfiguration {

			@Bean
			RelayLogFilter outboxRelayLogFilter() {
				return new RelayLogFilter();
			}

		}

		private static DataSource queries(RelayDatabase database, DataSource dataSource) {
			// The application's pool where the relay's database is the application's: reading
			// state and writing positions need no privilege of the relay's user.
			return database.applicationsServer() ? dataSource : database.dataSource(dataSource);
		}

		private static BackOff backOff(OutboxRelayProperties.Retry retry) {
			ExponentialBackOff backOff = new ExponentialBackOff(retry.getInitialDelay().toMillis(), 2.0);
			backOff.setMaxInterval(retry.getMaxDelay().toMillis());
			return backOff;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "outbox.cleanup.strategy", havingValue = "delete-after-insert")
	static class DeleteAfterInsertConfiguration {

		@Bean
		SlotRequiredForDeleteAfterInsert outboxSlotRequiredForDeleteAfterInsert(DataSource dataSource,
				OutboxRelayProperties properties, ObjectProvider<RelayPreparation> relay) {
			return new SlotRequiredForDeleteAfterInsert(new JdbcTemplate(dataSource), properties.getSlotName(), relay);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(WatchesSlotCondition.class)
	static class SlotMonitorConfiguration {

		@Bean
		SlotMonitor outboxSlotMonitor(DataSource dataSource, OutboxRelayProperties properties) {
			return new SlotMonitor(new ReplicationSlot(new JdbcTemplate(dataSource), properties.getSlotName()),
					properties.getMonitor().getInterval(), Clock.systemUTC());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(AbstractHealthIndicator.class)
		@ConditionalOnEnabledHealthIndicator("outbox-relay")
		static class RelayHealthConfiguration {

			@Bean
			OutboxRelayHealthIndicator outboxRelayHealthIndicator(ObjectProvider<OutboxRelay> outboxRelay,
					ObjectProvider<KafkaAvailability> kafka, ObjectProvider<RelayActivity> activity,
					SlotMonitor outboxSlotMonitor, OutboxRelayProperties properties) {
				return new OutboxRelayHealthIndicator(outboxRelay.getIfAvailable(), kafka.getIfAvailable(),
						activity.getIfAvailable(), outboxSlotMonitor, properties.getHealth(), Clock.systemUTC());
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(MeterRegistry.class)
		static class RelayMetricsConfiguration {

			@Bean
			@ConditionalOnBean(MeterRegistry.class)
			RelayMetrics outboxRelayMetrics(MeterRegistry meterRegistry, ObjectProvider<RelayActivity> activity,
					SlotMonitor outboxSlotMonitor) {
				return new RelayMetrics(meterRegistry, activity.getIfAvailable(), outboxSlotMonitor);
			}

		}

	}

	/**
	 * The slot is watched where the embedded relay runs, and where asked for.
	 */
	static class WatchesSlotCondition extends AnyNestedCondition {

		WatchesSlotCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBooleanProperty("outbox.relay.enabled")
		static class RelayEnabled {

		}

		@ConditionalOnBooleanProperty("outbox.relay.monitor.enabled")
		static class MonitorEnabled {

		}

	}

}
