package io.github.outbox.contract.v1;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;

/**
 * The first version of an order service's events.
 */
@OutboxEvent(aggregateType = "order")
public sealed interface OrderEvent {

	@AggregateId
	UUID orderId();

	record OrderPlaced(UUID orderId, String customer, BigDecimal total) implements OrderEvent {
	}

	record OrderCancelled(UUID orderId, @Nullable String reason) implements OrderEvent {
	}

}
