package io.github.outbox.docs.sealed;

import io.github.outbox.Inbox;
import io.github.outbox.ReceivedEvent;
import io.github.outbox.docs.sealed.OrderEvent.OrderCancelled;
import io.github.outbox.docs.sealed.OrderEvent.OrderPlaced;

import org.springframework.kafka.annotation.KafkaListener;

/**
 * docs/consuming.md: one listener for a sealed hierarchy.
 */
class SealedOrderProjection {

	private final Views views;

	SealedOrderProjection(Views views) {
		this.views = views;
	}

	@KafkaListener(topics = "outbox.event.order")
	@Inbox("order-projection")
	void on(ReceivedEvent<OrderEvent> event) {              // sealed interface OrderEvent
		if (event.payload() instanceof OrderPlaced placed) {
			views.save(OrderView.placed(placed));
		}
		else if (event.payload() instanceof OrderCancelled cancelled) {
			views.markCancelled(cancelled);
		}
	}

	record OrderView(java.util.UUID orderId) {

		static OrderView placed(OrderPlaced placed) {
			return new OrderView(placed.orderId());
		}

	}

	interface Views {

		void save(OrderView view);

		void markCancelled(OrderCancelled cancelled);

	}

}
