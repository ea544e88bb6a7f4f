package com.example.orders;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;

@OutboxEvent(aggregateType = "order")
public record OrderPlaced(@AggregateId UUID orderId, String customer, BigDecimal total) {
}
