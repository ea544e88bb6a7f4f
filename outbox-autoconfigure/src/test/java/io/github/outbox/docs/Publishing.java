package io.github.outbox.docs;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.docs.Order.Orders;

import org.springframework.context.ApplicationEventPublisher;

/**
 * docs/publishing.md and docs/kafka-records.md: the ways to publish.
 */
class Publishing {

	private final OutboxPublisher outboxPublisher;

	private final ApplicationEventPublisher applicationEventPublisher;

	private final Orders orders;

	Publishing(OutboxPublisher outboxPublisher, ApplicationEventPublisher applicationEventPublisher, Orders orders) {
		this.outboxPublisher = outboxPublisher;
		this.applicationEventPublisher = applicationEventPublisher;
		this.orders = orders;
	}

	void annotatedEvent(UUID orderId, String customer, BigDecimal total) {
		outboxPublisher.publish(new OrderPlaced(orderId, customer, total));
	}

	void message(String invoiceNumber, Map<String, Object> invoice, String tenantId) {
		outboxPublisher.publish(OutboxMessage.of("invoice", invoiceNumber, "InvoiceIssued", invoice)
			.withHeader("tenant", tenantId));
	}

	void applicationEvent(UUID orderId, String customer, BigDecimal total) {
		applicationEventPublisher.publishEvent(new OrderPlaced(orderId, customer, total));
	}

	void domainEvents(String customer, BigDecimal total) {
		Order order = Order.place(customer, total);   // registerEvent(new OrderPlaced(...))
		orders.save(order);
	}

	void severalAtOnce(Object placed, Object reserved, Object paid) {
		outboxPublisher.publishAll(List.of(placed, reserved, paid));
	}

	void messageWithAHeader() {
		outboxPublisher.publish(OutboxMessage.of("order", "0b8e6c1e-5a8e-4a53-9d0b-2f1f4d3c9a10", "OrderPlaced",
				new OrderPlaced(UUID.fromString("0b8e6c1e-5a8e-4a53-9d0b-2f1f4d3c9a10"), "alice", BigDecimal.TEN)).withHeader("tenant", "acme"));
	}

}
