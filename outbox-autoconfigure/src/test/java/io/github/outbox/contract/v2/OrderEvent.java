package io.github.outbox.contract.v2;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;

/**
 * The order service's events with a property added to OrderPlaced: compatible under FORWARD.
 */
@OutboxEvent(aggregateType = "order")
public sealed interface OrderEvent {

	@AggregateId
	UUID orderId();

	record OrderPlaced(UUID orderId, String customer, BigDecimal total, @Nullable String coupon)
			implements OrderEvent {
	}

	record OrderCancelled(UUID orderId, @Nullable String reason) implements OrderEvent {
	}

}
