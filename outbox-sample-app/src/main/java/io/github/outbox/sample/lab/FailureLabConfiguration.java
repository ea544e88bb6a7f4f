package io.github.outbox.sample.lab;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.schema.OutboxTable;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The failure lab, with {@code sample.lab.enabled=true} (the sample's default; off with the
 * {@code external} profile, so that its faults never reach real servers).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sample.lab.enabled")
class FailureLabConfiguration {

	@Bean
	FailureLab failureLab(io.github.outbox.sample.order.OrderService orders, JdbcTemplate jdbc, AuditLog auditLog,
			ConsumerFactory<?, ?> consumers, KafkaListenerEndpointRegistry listeners, KafkaAdmin kafkaAdmin,
			ApplicationContext context, ObjectProvider<EmbeddedKafkaServer> kafka, MeterRegistry meters,
			@Value("${outbox.relay.slot-name:outbox_slot}") String slotName) {
		return new FailureLab(orders, jdbc, auditLog, consumers, listeners, kafkaAdmin, context, kafka.getIfAvailable(),
				meters, slotName);
	}

	@Bean
	FailureLabEndpoint failureLabEndpoint(FailureLab lab, JdbcTemplate jdbc, OutboxTable table) {
		return new FailureLabEndpoint(lab, new ExperimentVerifier(jdbc, table));
	}

}
