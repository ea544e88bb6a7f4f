package io.github.outbox.benchmarks;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;

/**
 * The event of the benchmark, published as an application would.
 *
 * @param orderId the order
 * @param customer who placed it
 * @param total its total
 */
@OutboxEvent(aggregateType = "order")
public record OrderPlaced(@AggregateId UUID orderId, String customer, BigDecimal total) {
}
