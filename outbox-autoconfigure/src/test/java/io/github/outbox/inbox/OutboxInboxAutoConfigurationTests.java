package io.github.outbox.inbox;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.KafkaListenerConfigurer;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CommonLoggingErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OutboxInboxAutoConfiguration}.
 */
class OutboxInboxAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, OutboxInboxAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=" + EmbeddedKafkaServer.shared().bootstrapServers());

	@Test
	void defaultsProvideTheInboxWithoutADeadLetterTopic() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("inbox_defaults")).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasBean("outboxInboxAdvisor")
				.hasSingleBean(KafkaListenerConfigurer.class)
				.hasSingleBean(InboxCleanup.class)
				.doesNotHaveBean(CommonErrorHandler.class);
			assertThat(context.getBean("outboxInboxAdvisor")).isInstanceOf(Advisor.class);
			assertThat(context.getBean(InboxCleanup.class).isRunning()).isTrue();
		});
	}

	@Test
	void deadLetterTopicCanBeTurnedOn() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("inbox_dlt"))
			.withPropertyValues("outbox.inbox.dead-letter.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(DefaultErrorHandler.class));
	}

	@Test
	void deadLetterTopicBacksOffForTheApplicationsErrorHandler() {
		CommonLoggingErrorHandler own = new CommonLoggingErrorHandler();
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("inbox_own_handler"))
			.withPropertyValues("outbox.inbox.dead-letter.enabled=true")
			.withBean(CommonErrorHandler.class, () -> own)
			.run((context) -> assertThat(context).getBean(CommonErrorHandler.class).isSameAs(own));
	}

	@Test
	void cleanupCanBeTurnedOff() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("inbox_no_cleanup"))
			.withPropertyValues("outbox.inbox.cleanup.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(InboxCleanup.class));
	}

	@Test
	void backsOffWithoutSpringKafka() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("inbox_no_kafka"))
			.withClassLoader(new FilteredClassLoader(KafkaListener.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("outboxInboxAdvisor")
				.doesNotHaveBean(InboxCleanup.class));
	}

}
