package io.github.outbox.benchmarks;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * The same event for the Spring peer, published as a Spring application event: Spring
 * Modulith records it in its event publication registry and externalizes it to Kafka after
 * the commit (see {@link ModulithPeer}).
 *
 * @param orderId the order
 * @param customer who placed it
 * @param total its total
 * @param sequence its number in a latency measurement, or 0
 */
public record ModulithOrderPlaced(UUID orderId, String customer, BigDecimal total, long sequence) {
}
