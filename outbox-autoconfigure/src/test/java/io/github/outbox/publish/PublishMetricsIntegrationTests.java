package io.github.outbox.publish;

import java.util.List;
import java.util.stream.IntStream;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write path's metrics against a real PostgreSQL: only committed events count, also when
 * a savepoint rollback undoes rows already written.
 */
class PublishMetricsIntegrationTests {

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication()
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues(TestDatabase.createForProperties("publish_metrics"));

	@Test
	void committedEventsAreCountedPerTypeAndRolledBackOnesAreNot() {
		this.contextRunner.run((context) -> {
			OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			transaction.executeWithoutResult((status) -> outbox.publishAll(List.of(placed("1"), placed("2"),
					OutboxMessage.of("order", "1", "OrderCancelled", "{}"))));
			transaction.executeWithoutResult((status) -> {
				outbox.publish(placed("3"));
				status.setRollbackOnly();
			});
			assertThat(published(meters, "OrderPlaced")).isEqualTo(2);
			assertThat(published(meters, "OrderCancelled")).isEqualTo(1);
			// The rolled-back transaction wrote nothing.
			assertThat(meters.get("outbox.write").timer().count()).isOne();
		});
	}

	@Test
	void rowsWrittenAfterASavepointAndRolledBackAreNotCounted() {
		this.contextRunner.run((context) -> {
			OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
			TransactionTemplate nested = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
			transaction.executeWithoutResult((status) -> {
				outbox.publish(placed("kept"));
				try {
					nested.executeWithoutResult((inner) -> {
						// More than a flush: these rows are written before the rollback.
						IntStream.range(0, OutboxConnection.FLUSH_THRESHOLD + 10)
							.forEach((i) -> outbox.publish(placed("bulk-" + i)));
						throw new IllegalStateException("bulk step failed");
					});
				}
				catch (IllegalStateException ex) {
					// undone; the outer transaction goes on
				}
			});
			assertThat(published(context.getBean(MeterRegistry.class), "OrderPlaced")).isEqualTo(1);
		});
	}

	private static OutboxMessage placed(String orderId) {
		return OutboxMessage.of("order", orderId, "OrderPlaced", "{}");
	}

	private static double published(MeterRegistry meters, String type) {
		Counter counter = meters.find("outbox.events.published")
			.tag("aggregate.type", "order")
			.tag("event.type", type)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}
