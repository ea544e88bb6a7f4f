package io.github.outbox.sample.lab;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.sample.order.OrderService;
import io.github.outbox.relay.OutboxRelayProperties;
import io.github.outbox.schema.OutboxTable;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The failure lab, with {@code sample.lab.enabled=true} (the sample's default) and only on the
 * embedded servers: off when {@code spring.datasource.url} or {@code spring.kafka.bootstrap-servers}
 * names real ones (the {@code external} profile does), so that its faults never reach them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sample.lab.enabled")
@ConditionalOnBooleanProperty("outbox.dev-services.enabled")
@Conditional(FailureLabConfiguration.NoRealServers.class)
class FailureLabConfiguration {

	// The starter's relay bean (its class is not public): stopped and started by the lab.
	private static final String RELAY_BEAN = "outboxRelay";

	@Bean
	AuditLog.Entries auditLogEntries(JdbcTemplate jdbc) {
		return new AuditLog.Entries(jdbc);
	}

	@Bean
	AuditLog auditLog(AuditLog.Entries auditLogEntries) {
		return new AuditLog(auditLogEntries);
	}

	@Bean
	FailureLab failureLab(OrderService orders, JdbcTemplate jdbc, AuditLog auditLog, ConsumerFactory<?, ?> consumers,
			KafkaListenerEndpointRegistry listeners, KafkaAdmin kafkaAdmin, ApplicationContext context,
			ObjectProvider<EmbeddedKafkaServer> kafka, ObjectProvider<EmbeddedPostgresServer> postgres,
			MeterRegistry meters, ObjectProvider<OutboxRelayProperties> relayProperties) {
		String slotName = relayProperties.getIfAvailable(OutboxRelayProperties::new).getSlotName();
		Lifecycle relay = context.containsBean(RELAY_BEAN) ? context.getBean(RELAY_BEAN, Lifecycle.class) : null;
		return new FailureLab(orders, jdbc, auditLog, consumers, listeners, kafkaAdmin, relay, kafka.getIfAvailable(),
				postgres.getIfAvailable(), meters, slotName);
	}

	@Bean
	FailureLabEndpoint failureLabEndpoint(FailureLab lab, JdbcTemplate jdbc, OutboxTable table) {
		return new FailureLabEndpoint(lab, new ExperimentVerifier(jdbc, table));
	}

	static final class NoRealServers extends NoneNestedConditions {

		NoRealServers() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("spring.datasource.url")
		static final class DataSourceUrl {

		}

		@ConditionalOnProperty("spring.kafka.bootstrap-servers")
		static final class BootstrapServers {

		}

	}

}
