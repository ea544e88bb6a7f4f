package io.github.outbox.replay;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A replay the relay was asked for.
 *
 * @param id the id of the signal, which Debezium's snapshot notifications and log lines carry
 * @param from the start of the range (inclusive)
 * @param to the end of the range (exclusive)
 * @param aggregateType the aggregate type replayed, or {@code null} for all
 * @param events the number of events in the range when the replay was asked for
 * @author Outbox contributors
 * @since 0.1.0
 */
public record ReplayRequest(String id, Instant from, Instant to, @Nullable String aggregateType, long events) {

}
