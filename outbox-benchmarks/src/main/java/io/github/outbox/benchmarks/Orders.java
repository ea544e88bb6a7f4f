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
	 * A transaction of three statements, as business transactions often are: the order row,
	 * read back, then updated.
	 */
	void placeAndAmendWithoutEvent() {
		UUID id = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> placeAndAmend(id));
	}

	/** The three-statement transaction and its event. */
	void placeAndAmend() {
		UUID id = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			placeAndAmend(id);
			this.outbox.publish(new OrderPlaced(id, "bob", TOTAL));
		});
	}

	private void placeAndAmend(UUID id) {
		insert(id);
		this.jdbc.queryForObject("SELECT total FROM orders WHERE id = ?", BigDecimal.class, id);
		this.jdbc.update("UPDATE orders SET customer = ? WHERE id = ?", "bob", id);
	}

	/** The order row and three events, as an aggregate that records several changes. */
	void placeWithThreeEvents() {
		UUID id = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insert(id);
			this.outbox.publish(new OrderPlaced(id, "alice", TOTAL));
			this.outbox.publish(new OrderPlaced(id, "alice", TOTAL.add(BigDecimal.ONE)));
			this.outbox.publish(new OrderPlaced(id, "alice", TOTAL.add(BigDecimal.TEN)));
		});
	}

	/**
	 * The order row and the event row a team would insert by hand, with plain JDBC in the same
	 * transaction: the physical cost of an outbox row, without the starter.
	 */
	void placeWithHandWrittenInsert() {
		UUID id = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insert(id);
			this.jdbc.update("INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload) "
					+ "VALUES (?, 'order', ?, 'OrderPlaced', CAST(? AS jsonb))", UUID.randomUUID(), id.toString(),
					"{\"orderId\":\"" + id + "\",\"customer\":\"alice\",\"total\":42.50}");
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
