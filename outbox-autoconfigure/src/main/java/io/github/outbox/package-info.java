/**
 * The transactional outbox API: everything an application uses to publish events.
 * <p>
 * Annotate an event class with {@link io.github.outbox.OutboxEvent @OutboxEvent} and publish
 * instances inside a transaction, with {@link io.github.outbox.OutboxPublisher} or Spring's
 * {@code ApplicationEventPublisher}. Each event is written to the outbox table in that
 * transaction, and Debezium carries it to Kafka once the transaction commits.
 */
@NullMarked
package io.github.outbox;

import org.jspecify.annotations.NullMarked;
