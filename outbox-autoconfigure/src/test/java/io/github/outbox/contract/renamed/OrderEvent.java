package io.github.outbox.contract.renamed;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;

/**
 * The order service's events with OrderPlaced's total renamed to amount: incompatible.
 */
@OutboxEvent(aggregateType = "order")
public sealed interface OrderEvent {

	@AggregateId
	UUID orderId();

	record OrderPlaced(UUID orderId, String customer, BigDecimal amount) implements OrderEvent {
	}

	record OrderCancelled(UUID orderId, @Nullable String reason) implements OrderEvent {
	}

}
