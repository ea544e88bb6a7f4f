package io.github.outbox.relay;

import io.debezium.engine.DebeziumEngine;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.RelayTestSupport;
import io.github.outbox.testsupport.TestDatabase;
import io.github.outbox.devservices.EmbeddedKafkaServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OutboxRelayAutoConfiguration}.
 */
class OutboxRelayAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, OutboxRelayAutoConfiguration.class));

	@Test
	void relayIsOffUnlessEnabled() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("relay_off"))
			.withPropertyValues("spring.kafka.bootstrap-servers=" + EmbeddedKafkaServer.shared().bootstrapServers())
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(OutboxPublisher.class)
				.doesNotHaveBean(OutboxRelay.class)
				.doesNotHaveBean(RelayPreparation.class)
				.doesNotHaveBean(SlotMonitor.class));
	}

	@Test
	void enabledRelayCreatesItsSlotAtStartUpAndRuns() {
		RelayTestSupport relay = RelayTestSupport.create("relay_on");
		this.contextRunner.withPropertyValues(relay.properties()).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(OutboxRelay.class).hasSingleBean(RelayPreparation.class)
				.hasSingleBean(SlotMonitor.class);
			assertThat(new JdbcTemplate(context.getBean(javax.sql.DataSource.class)).queryForObject(
					"SELECT plugin FROM pg_replication_slots WHERE slot_name = ?", String.class, relay.slotName()))
				.isEqualTo("pgoutput");
			assertThat(context.getBean(OutboxRelay.class).isRunning()).isTrue();
		});
	}

	@Test
	void relayBacksOffWithoutDebezium() {
		RelayTestSupport relay = RelayTestSupport.create("relay_no_debezium");
		this.contextRunner.withPropertyValues(relay.properties())
			.withClassLoader(new FilteredClassLoader(DebeziumEngine.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OutboxRelay.class)
				.hasSingleBean(OutboxPublisher.class));
	}

	@Test
	void relayBacksOffWhenTheOutboxIsOff() {
		RelayTestSupport relay = RelayTestSupport.create("relay_outbox_off");
		this.contextRunner.withPropertyValues(relay.properties())
			.withPropertyValues("outbox.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxRelay.class));
	}

}
