package io.github.outbox.docs.sealed;

import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;

@OutboxEvent(aggregateType = "order")
public sealed interface OrderEvent {

    @AggregateId
    UUID orderId();

    record OrderPlaced(UUID orderId, String customer) implements OrderEvent {}

    record OrderCancelled(UUID orderId, String reason) implements OrderEvent {}
}
