package io.github.outbox.sample.order;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;

/**
 * The order's domain events. The annotation on the sealed interface applies to each of them:
 * they go to the topic of the "order" aggregate ({@code outbox.event.order}), keyed by the
 * order id, with the record's simple name as their event type. A consumer takes them as
 * {@code ReceivedEvent<OrderEvent>} and gets the right record for each.
 */
@OutboxEvent(aggregateType = "order")
public sealed interface OrderEvent {

	@AggregateId
	UUID orderId();

	/**
	 * An order was placed. Version 2 of its schema added the coupon, which is null in the
	 * events of version 1 (see src/main/resources/outbox/schemas/order).
	 *
	 * @param orderId the order
	 * @param customer who ordered
	 * @param total what it costs
	 * @param coupon the coupon code the customer gave, if any
	 */
	record OrderPlaced(UUID orderId, String customer, BigDecimal total, @Nullable String coupon) implements OrderEvent {
	}

	record OrderCancelled(UUID orderId, @Nullable String reason) implements OrderEvent {
	}

}
