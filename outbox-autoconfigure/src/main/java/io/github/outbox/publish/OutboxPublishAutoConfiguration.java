package io.github.outbox.publish;

import javax.sql.DataSource;

import io.github.outbox.OutboxPayloadSerializer;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.cleanup.OutboxCleanupProperties;
import io.github.outbox.schema.OutboxSchemaAutoConfiguration;
import io.github.outbox.schema.OutboxTable;
import io.github.outbox.support.EventSchemaVersions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
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
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Auto-configuration of the {@link OutboxPublisher}, and of publishing
 * {@link io.github.outbox.OutboxEvent @OutboxEvent}s through Spring's
 * {@code ApplicationEventPublisher}.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
// After the auto-configurations of the meter registry and the tracer, whose beans the
// metrics and the trace context are conditional on.
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
		OutboxSchemaAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration" })
@ConditionalOnClass({ JdbcTemplate.class, PlatformTransactionManager.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(OutboxTable.class)
@ConditionalOnBooleanProperty(name = "outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ OutboxPublishProperties.class, OutboxCleanupProperties.class })
public final class OutboxPublishAutoConfiguration {

	@Bean
	OutboxWriter outboxWriter(OutboxTable table, OutboxCleanupProperties cleanup,
			ObjectProvider<PublishMetrics> metrics) {
		return new OutboxWriter(table, cleanup.getStrategy() == OutboxCleanupProperties.Strategy.DELETE_AFTER_INSERT,
				metrics.getIfAvailable(() -> PublishMetrics.NONE));
	}

	@Bean
	static OutboxDataSourcePostProcessor outboxDataSourcePostProcessor(ObjectProvider<OutboxWriter> outboxWriter) {
		return new OutboxDataSourcePostProcessor(outboxWriter);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	OutboxPublisher outboxPublisher(DataSource dataSource, OutboxTable table, OutboxPayloadSerializer serializer,
			OutboxPublishProperties properties, OutboxWriter outboxWriter, ObjectProvider<TraceContext> traceContext,
			ObjectProvider<EventSchemaVersions> schemaVersions) {
		OutboxTableLayout layout = OutboxTableLayout.read(new JdbcTemplate(dataSource), table);
		return new TransactionalOutboxPublisher(dataSource,
				new OutboxRecordFactory(serializer, layout, properties.getMaxPayloadSize(),
						traceContext.getIfAvailable(() -> TraceContext.NONE),
						schemaVersions.getIfAvailable(() -> EventSchemaVersions.NONE)),
				outboxWriter);
	}

	@Bean
	OutboxApplicationEventListener outboxApplicationEventListener(OutboxPublisher outboxPublisher) {
		return new OutboxApplicationEventListener(outboxPublisher);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tracer.class, Propagator.class })
	static class TraceContextConfiguration {

		@Bean
		@ConditionalOnBean({ Tracer.class, Propagator.class })
		TraceContext outboxTraceContext(Tracer tracer, Propagator propagator) {
			return new TraceContext.Micrometer(tracer, propagator);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class PublishMetricsConfiguration {

		@Bean
		@ConditionalOnBean(MeterRegistry.class)
		PublishMetrics outboxPublishMetrics(MeterRegistry meterRegistry) {
			return new PublishMetrics.Micrometer(meterRegistry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonPayloadSerializerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OutboxPayloadSerializer outboxPayloadSerializer(ObjectProvider<JsonMapper> jsonMapper) {
			return new JacksonOutboxPayloadSerializer(jsonMapper.getIfAvailable(JsonMapper::new));
		}

	}

}
