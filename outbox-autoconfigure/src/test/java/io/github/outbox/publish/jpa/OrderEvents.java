package io.github.outbox.publish.jpa;

import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;

/**
 * The order's events: one annotation on the sealed interface covers all of them.
 */
@OutboxEvent(aggregateType = "order")
public sealed interface OrderEvents {

	@AggregateId
	UUID orderId();

	record OrderPlaced(UUID orderId, String customer) implements OrderEvents {
	}

	record OrderCancelled(UUID orderId, String reason) implements OrderEvents {
	}

}
