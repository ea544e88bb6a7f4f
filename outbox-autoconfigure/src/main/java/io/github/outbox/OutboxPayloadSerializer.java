package io.github.outbox;

/**
 * Turns an event into the JSON stored in the outbox table's {@code payload} column and sent
 * as the Kafka record's value.
 * <p>
 * By default the application's Jackson {@code JsonMapper} is used; define a bean of this type
 * to replace it.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@FunctionalInterface
public interface OutboxPayloadSerializer {

	/**
	 * Serializes an event.
	 * @param payload the event
	 * @return the event as a JSON document
	 * @throws RuntimeException if the event cannot be serialized; the publisher reports it as
	 * an {@link OutboxEventException}
	 */
	String serialize(Object payload);

}
