package io.github.outbox.relay;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;
import io.github.outbox.schema.OutboxTableProperties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which parts of {@link OutboxRelayAutoConfiguration} apply, without a database: no bean that
 * would connect is created in these contexts.
 */
class OutboxRelayConditionsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OutboxRelayAutoConfiguration.class))
		.withBean(OutboxTable.class, () -> new OutboxTableProperties().toTable())
		.withBean(DataSource.class, SimpleDriverDataSource::new);

	@Test
	void withoutTheRelayNothingWatchesTheSlotUnlessAsked() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(OutboxRelay.class)
			.doesNotHaveBean(SlotMonitor.class)
			.doesNotHaveBean(OutboxRelayHealthIndicator.class));
	}

	@Test
	void instanceThatDoesNotRelayWatchesTheSlotWhenAsked() {
		this.contextRunner.withPropertyValues("outbox.relay.monitor.enabled=true", "outbox.relay.slot-name=orders_slot")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(SlotMonitor.class)
					.hasSingleBean(OutboxRelayHealthIndicator.class)
					.doesNotHaveBean(OutboxRelay.class)
					.doesNotHaveBean(RelayPreparation.class);
				assertThat(context.getBean(SlotMonitor.class).slotName()).isEqualTo("orders_slot");
			});
	}

	@Test
	void healthIndicatorCanBeTurnedOff() {
		this.contextRunner
			.withPropertyValues("outbox.relay.monitor.enabled=true", "management.health.outbox-relay.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(SlotMonitor.class)
				.doesNotHaveBean(OutboxRelayHealthIndicator.class));
	}

	@Test
	void healthIndicatorBacksOffWithoutSpringBootsHealthSupport() {
		this.contextRunner.withPropertyValues("outbox.relay.monitor.enabled=true")
			.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SlotMonitor.class)
				.doesNotHaveBean(OutboxRelayHealthIndicator.class));
	}

	@Test
	void enabledRelayWithoutKafkaOnTheClassPathStillWatchesTheSlot() {
		this.contextRunner.withPropertyValues("outbox.relay.enabled=true")
			.withClassLoader(new FilteredClassLoader(KafkaProducer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OutboxRelay.class)
				.hasSingleBean(SlotMonitor.class));
	}

	@Test
	void deleteAfterInsertWithoutTheRelayRequiresTheSlot() {
		// The check connects, and there is no database here: its failure shows it ran.
		this.contextRunner.withPropertyValues("outbox.cleanup.strategy=delete-after-insert")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("outboxSlotRequiredForDeleteAfterInsert"));
		// Enabled, but unable to run (no Kafka client here): then nothing creates the slot either.
		this.contextRunner.withPropertyValues("outbox.cleanup.strategy=delete-after-insert", "outbox.relay.enabled=true")
			.withClassLoader(new FilteredClassLoader(KafkaProducer.class))
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("outboxSlotRequiredForDeleteAfterInsert"));
		this.contextRunner.withPropertyValues("outbox.cleanup.strategy=retention")
			.run((context) -> assertThat(context).doesNotHaveBean(SlotRequiredForDeleteAfterInsert.class));
	}

}
