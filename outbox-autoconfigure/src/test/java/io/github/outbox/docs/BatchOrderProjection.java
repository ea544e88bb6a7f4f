package io.github.outbox.docs;

import java.util.List;

import io.github.outbox.Inbox;
import io.github.outbox.ReceivedEvent;
import io.github.outbox.docs.OrderView.OrderViews;

import org.springframework.kafka.annotation.KafkaListener;

/**
 * docs/consuming.md: a batch listener.
 */
class BatchOrderProjection {

	private final OrderViews projections;

	BatchOrderProjection(OrderViews projections) {
		this.projections = projections;
	}

	@KafkaListener(topics = "outbox.event.order", batch = "true")
	@Inbox("order-projection")
	void on(List<ReceivedEvent<OrderPlaced>> events) {
		projections.saveAll(events.stream().map((event) -> OrderView.from(event.payload())).toList());
	}

}
