package io.github.outbox.docs;

import io.github.outbox.Inbox;
import io.github.outbox.ReceivedEvent;
import io.github.outbox.docs.OrderView.OrderViews;

import org.springframework.kafka.annotation.KafkaListener;

/**
 * docs/consuming.md and the README: a projection fed through the inbox.
 */
class OrderProjection {

	private final OrderViews projections;

	OrderProjection(OrderViews projections) {
		this.projections = projections;
	}

	@KafkaListener(topics = "outbox.event.order")
	@Inbox("order-projection")
	void on(ReceivedEvent<OrderPlaced> event) {
		projections.save(OrderView.from(event.payload()));      // your database changes
	}

}
