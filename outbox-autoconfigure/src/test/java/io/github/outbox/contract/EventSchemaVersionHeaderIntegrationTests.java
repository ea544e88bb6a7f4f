package io.github.outbox.contract;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.contract.v2.OrderEvent;
import io.github.outbox.contract.v2.VersionTwoApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema version travels with each event: the embedded relay's record of an event carries
 * the version its class has in the registry, in the {@code eventSchemaVersion} header.
 */
class EventSchemaVersionHeaderIntegrationTests {

	@Test
	void eachRecordCarriesTheRegisteredVersionOfItsClass() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("contract_header");
		// The service's first version registered OrderPlaced and OrderCancelled as version 1.
		OutboxContextRunner.jdbcApplication()
			.withConfiguration(AutoConfigurations.of(OutboxEventSchemaAutoConfiguration.class))
			.withUserConfiguration(EventSchemaRegistryIntegrationTests.FirstVersion.class)
			.withPropertyValues("spring.datasource.url=" + relay.database().jdbcUrl(),
					"spring.datasource.username=" + relay.database().username())
			.run((context) -> assertThat(context).hasNotFailed());
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext context = relay.start(VersionTwoApplication.class)) {
			OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
			UUID placed = UUID.randomUUID();
			UUID cancelled = UUID.randomUUID();
			UUID renamed = UUID.randomUUID();
			transaction.executeWithoutResult((status) -> {
				outbox.publish(new OrderEvent.OrderPlaced(placed, "alice", new BigDecimal("12.50"), "SPRING"));
				outbox.publish(new OrderEvent.OrderCancelled(cancelled, null));
				// The class under another event type: its registered version is not that type's.
				outbox.publish(OutboxMessage.of("order", renamed.toString(), "OrderImported",
						new OrderEvent.OrderPlaced(renamed, "bob", BigDecimal.ONE, null)));
			});
			records.awaitKeys(List.of(placed.toString(), cancelled.toString(), renamed.toString()),
					Duration.ofSeconds(60));
			assertThat(record(records, renamed).header("eventSchemaVersion")).isNull();
			Received placedRecord = record(records, placed);
			assertThat(placedRecord.header("eventSchemaVersion")).isEqualTo("2");
			assertThat(placedRecord.value()).contains("\"coupon\": \"SPRING\"");
			assertThat(record(records, cancelled).header("eventSchemaVersion")).isEqualTo("1");
		}
	}

	private static Received record(KafkaRecordCollector records, UUID key) {
		return records.records()
			.stream()
			.filter((record) -> key.toString().equals(record.key()))
			.findFirst()
			.orElseThrow();
	}

}
