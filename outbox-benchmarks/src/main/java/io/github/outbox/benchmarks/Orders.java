package io.github.outbox.benchmarks;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The business transaction: one order row, and with the outbox its event.
 */
final class Orders {

	private static final BigDecimal TOTAL = new BigDecimal("42.50");

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final OutboxPublisher outbox;

	private final ApplicationEventPublisher events;

	Orders(ApplicationContext context) {
		this.jdbc = context.getBean(JdbcTemplate.class);
		this.transaction = context.getBean(TransactionTemplate.class);
		this.outbox = context.getBean(OutboxPublisher.class);
		this.events = context;
	}

	/** The floor: the order row alone. */
	void placeWithoutEvent() {
		UUID id = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> insert(id));
	}

	/** The order row and its event, published as an annotated record. */
	void place() {
		UUID id = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insert(id);
			this.outbox.publish(new OrderPlaced(id, "alice", TOTAL));
		});
	}

	/**
	 * The order row and its event, numbered in a header so that a consumer can tell when it
	 * was committed.
	 * @param sequence the number
	 */
	void placeNumbered(long sequence) {
		UUID id = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insert(id);
			this.outbox.publish(OutboxMessage.of("order", id.toString(), "OrderPlaced", new OrderPlaced(id, "alice", TOTAL))
				.withHeader(EndToEndLatency.SEQUENCE_HEADER, Long.toString(sequence)));
		});
	}

	/** The order row and its event through Spring Modulith's registry and externalization. */
	void placeWithModulith() {
		placeNumberedWithModulith(0);
	}

	/**
	 * The order row and its event through Spring Modulith, numbered.
	 * @param sequence the number
	 */
	void placeNumberedWithModulith(long sequence) {
		UUID id = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insert(id);
			this.events.publishEvent(new ModulithOrderPlaced(id, "alice", TOTAL, sequence));
		});
	}

	private void insert(UUID id) {
		this.jdbc.update("INSERT INTO orders (id, customer, total) VALUES (?, ?, ?)", id, "alice", TOTAL);
	}

}
