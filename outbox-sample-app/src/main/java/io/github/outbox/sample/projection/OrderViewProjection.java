package io.github.outbox.sample.projection;

import java.time.Instant;

import io.github.outbox.Inbox;
import io.github.outbox.ReceivedEvent;
import io.github.outbox.sample.order.OrderEvent;
import io.github.outbox.sample.order.OrderEvent.OrderCancelled;
import io.github.outbox.sample.order.OrderEvent.OrderPlaced;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the order views up to date from the order events on Kafka. {@code @Inbox} applies
 * each event once, however often Kafka delivers it: the event's id is recorded in the inbox
 * table in the same transaction as the view's change.
 * <p>
 * It shares the producer's event classes because both live in this sample; a consumer in
 * another service declares its own records with the same fields.
 */
@Component
class OrderViewProjection {

	static final String CONSUMER = "order-projection";

	private final OrderViewRepository views;

	OrderViewProjection(OrderViewRepository views) {
		this.views = views;
	}

	@KafkaListener(id = CONSUMER, topics = "outbox.event.order")
	@Inbox(CONSUMER)
	void on(ReceivedEvent<OrderEvent> event) {
		Instant at = Instant.ofEpochMilli(event.timestamp());
		if (event.payload() instanceof OrderPlaced placed) {
			this.views.save(OrderView.placed(placed.orderId(), placed.customer(), placed.total(), at));
		}
		else if (event.payload() instanceof OrderCancelled cancelled) {
			// Events of one order arrive in order (they share a key, hence a partition), so the
			// view exists; if it did not, failing lets the error handler retry and report it.
			OrderView view = this.views.findById(cancelled.orderId())
				.orElseThrow(() -> new IllegalStateException("no view of order " + cancelled.orderId()));
			view.cancelled(cancelled.reason(), at);
		}
	}

}
