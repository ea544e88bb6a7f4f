package io.github.outbox.inbox;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.github.outbox.Inbox;
import io.github.outbox.OutboxEventUpcaster;
import io.github.outbox.schema.OutboxSchemaAutoConfiguration;
import io.github.outbox.schema.OutboxTable;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.KafkaListenerConfigurer;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.backoff.FixedBackOff;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of the consumer side: {@link io.github.outbox.ReceivedEvent} listener
 * parameters, {@link Inbox @Inbox} listeners, the inbox cleanup and, when asked for, a
 * dead-letter topic for records that cannot be processed.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class,
		JacksonAutoConfiguration.class, OutboxSchemaAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ KafkaListener.class, ConsumerRecord.class, JsonMapper.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(OutboxTable.class)
@ConditionalOnBooleanProperty(name = "outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OutboxInboxProperties.class)
public final class OutboxInboxAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor outboxInboxAdvisor(ObjectProvider<DataSource> dataSource, ObjectProvider<OutboxTable> table,
			ObjectProvider<PlatformTransactionManager> transactionManagers, ObjectProvider<InboxMetrics> metrics) {
		// Resolved on first use: an advisor is created while beans are being post-processed,
		// too early to pull in the data source or JPA.
		InboxInterceptor interceptor = new InboxInterceptor(
				SingletonSupplier.of(() -> new InboxStore(dataSource.getObject(), table.getObject())),
				SingletonSupplier.of(() -> transactionTemplate(dataSource.getObject(), transactionManagers)),
				SingletonSupplier.of(() -> metrics.getIfAvailable(() -> InboxMetrics.NONE)));
		return new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(Inbox.class), interceptor);
	}

	@Bean
	KafkaListenerConfigurer outboxReceivedEventListenerConfigurer(ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<OutboxEventUpcaster> upcasters) {
		ReceivedEventArgumentResolver resolver = new ReceivedEventArgumentResolver(
				jsonMapper.getIfAvailable(JsonMapper::new), new Upcasters(upcasters.orderedStream().toList()));
		return (registrar) -> {
			List<HandlerMethodArgumentResolver> resolvers = new ArrayList<>(registrar.getCustomMethodArgumentResolvers());
			resolvers.add(resolver);
			registrar.setCustomMethodArgumentResolvers(resolvers.toArray(HandlerMethodArgumentResolver[]::new));
		};
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "outbox.inbox.cleanup.enabled", matchIfMissing = true)
	InboxCleanup outboxInboxCleanup(DataSource dataSource, OutboxTable table, OutboxInboxProperties properties) {
		OutboxInboxProperties.Cleanup cleanup = properties.getCleanup();
		return new InboxCleanup(dataSource, table, properties.getRetention(), cleanup.getInterval(),
				cleanup.getBatchSize());
	}

	@Bean
	@ConditionalOnBooleanProperty("outbox.inbox.dead-letter.enabled")
	@ConditionalOnMissingBean(CommonErrorHandler.class)
	@ConditionalOnBean(KafkaOperations.class)
	DefaultErrorHandler outboxDeadLetterErrorHandler(KafkaOperations<?, ?> kafkaTemplate,
			OutboxInboxProperties properties) {
		OutboxInboxProperties.DeadLetter deadLetter = properties.getDeadLetter();
		return new DefaultErrorHandler(new DeadLetterPublishingRecoverer(kafkaTemplate),
				new FixedBackOff(deadLetter.getBackoff().toMillis(), Math.max(deadLetter.getAttempts() - 1, 0)));
	}

	private static TransactionTemplate transactionTemplate(DataSource dataSource,
			ObjectProvider<PlatformTransactionManager> transactionManagers) {
		PlatformTransactionManager unique = transactionManagers.getIfUnique();
		if (unique != null) {
			return new TransactionTemplate(unique);
		}
		return transactionManagers.orderedStream()
			.filter((candidate) -> candidate instanceof ResourceTransactionManager resource
					&& resource.getResourceFactory() == dataSource)
			.findFirst()
			.map(TransactionTemplate::new)
			.orElseThrow(() -> new IllegalStateException("@Inbox needs the transaction manager of the outbox "
					+ "DataSource, but there are several transaction managers and none is for that DataSource; make "
					+ "the right one @Primary."));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class InboxMetricsConfiguration {

		@Bean
		@ConditionalOnBean(MeterRegistry.class)
		InboxMetrics outboxInboxMetrics(MeterRegistry meterRegistry) {
			return new InboxMetrics.Micrometer(meterRegistry);
		}

	}

}
