package io.github.outbox;

/**
 * Writes domain events to the outbox table in the current transaction.
 * <p>
 * Events are written in the same transaction, on the same connection, as the business change
 * that publishes them: both commit or neither does. They become visible to the relay only
 * when that transaction commits. Events published in one transaction are written together,
 * as one JDBC batch, just before it commits, in the order they were published.
 * <p>
 * Every method requires an active, writable transaction managed for the outbox
 * {@code DataSource}, and throws {@link org.springframework.transaction.IllegalTransactionStateException}
 * otherwise. A problem with an event itself raises an {@link OutboxEventException}; the
 * transaction it was published in can then no longer commit, so that a business change is
 * never committed without its event, even if the exception is caught.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public interface OutboxPublisher {

	/**
	 * Publishes an event whose class is annotated with {@link OutboxEvent @OutboxEvent}, or an
	 * {@link OutboxMessage}.
	 * @param event the event
	 * @throws OutboxEventException if the event cannot be written (not annotated, no aggregate
	 * id, not serializable, too large)
	 */
	void publish(Object event);

	/**
	 * Publishes an event described explicitly, for event classes without the annotation.
	 * @param message the event and its routing information
	 * @throws OutboxEventException if the event cannot be written (not serializable, too large)
	 */
	void publish(OutboxMessage message);

	/**
	 * Publishes several events, each as {@link #publish(Object)} would, in iteration order.
	 * @param events the events
	 * @throws OutboxEventException if one of the events cannot be written
	 */
	void publishAll(Iterable<?> events);

}
