package io.github.outbox.docs;

import io.github.outbox.OutboxPublisher;
import io.github.outbox.docs.Order.Orders;
import io.github.outbox.docs.Order.PlaceOrder;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.annotation.Transactional;

/**
 * The README's quick start, step 3.
 */
class QuickStart {

	private final Orders orders;

	private final OutboxPublisher outboxPublisher;

	private final ApplicationEventPublisher applicationEventPublisher;

	QuickStart(Orders orders, OutboxPublisher outboxPublisher, ApplicationEventPublisher applicationEventPublisher) {
		this.orders = orders;
		this.outboxPublisher = outboxPublisher;
		this.applicationEventPublisher = applicationEventPublisher;
	}

	@Transactional
	public void placeOrder(PlaceOrder command) {
		Order order = orders.save(Order.from(command));
		outboxPublisher.publish(new OrderPlaced(order.getId(), command.customer(), order.getTotal()));
		// or: applicationEventPublisher.publishEvent(new OrderPlaced(...));
		// or: Order.place(...) registers it in an AbstractAggregateRoot, published by save
	}

	void orThroughSpringEvents(Order order, PlaceOrder command) {
		applicationEventPublisher.publishEvent(new OrderPlaced(order.getId(), command.customer(), order.getTotal()));
	}

}
