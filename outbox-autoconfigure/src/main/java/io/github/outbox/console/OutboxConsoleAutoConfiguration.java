package io.github.outbox.console;

import java.time.Clock;

import io.github.outbox.relay.OutboxRelayAutoConfiguration;
import io.github.outbox.relay.OutboxRelayProperties;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import org.apache.kafka.clients.admin.Admin;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Auto-configuration of the pipeline console, with {@code outbox.console.enabled=true} and
 * Actuator, its health and Micrometer on the class path.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { OutboxRelayAutoConfiguration.class, KafkaAutoConfiguration.class }, afterName = {
		"org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty("outbox.console.enabled")
@ConditionalOnClass(name = {
		"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint",
		"org.springframework.boot.health.registry.HealthContributorRegistry",
		"io.micrometer.core.instrument.MeterRegistry" })
@EnableConfigurationProperties(OutboxConsoleProperties.class)
public final class OutboxConsoleAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(OutboxConsoleEndpoint.class)
	static class ConsoleEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OutboxConsoleEndpoint outboxConsoleEndpoint(OutboxConsoleProperties properties,
				ObjectProvider<MeterRegistry> meters, ObjectProvider<HealthContributorRegistry> health,
				ObjectProvider<KafkaOffsets> kafka, ObjectProvider<OutboxRelayProperties> relay) {
			String topic = relay.getIfAvailable(OutboxRelayProperties::new).getTopic();
			PipelineSnapshots snapshots = new PipelineSnapshots(meters.getIfUnique(), health.getIfUnique(),
					kafka.getIfAvailable(), topic, properties.getRefresh(), Clock.systemUTC());
			return new OutboxConsoleEndpoint(snapshots, properties.getRefresh().toMillis());
		}

	}

	/**
	 * The relay's delivery lag with its median and 99th percentile, which the console shows:
	 * Micrometer's own per-meter configuration, so that the relay records them only when the
	 * console is on.
	 */
	@Bean
	static MeterFilter outboxConsoleDeliveryLagPercentiles() {
		return new MeterFilter() {

			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				// Percentiles the application asked for itself (management.metrics.distribution.*) stay.
				boolean asked = config.getPercentiles() != null && config.getPercentiles().length > 0;
				if (!id.getName().equals(PipelineSnapshots.DELIVERY_LAG) || asked) {
					return config;
				}
				return DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build().merge(config);
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Admin.class, KafkaAdmin.class })
	@ConditionalOnBean(KafkaAdmin.class)
	@ConditionalOnAvailableEndpoint(OutboxConsoleEndpoint.class)
	static class KafkaOffsetsConfiguration {

		@Bean
		KafkaOffsets outboxConsoleKafkaOffsets(KafkaAdmin kafkaAdmin,
				ObjectProvider<KafkaListenerEndpointRegistry> listeners) {
			return new KafkaOffsets(kafkaAdmin.getConfigurationProperties(), listeners.getIfUnique());
		}

	}

}
