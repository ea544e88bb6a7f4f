package io.github.outbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * An event with its routing information given explicitly rather than read from an
 * {@link OutboxEvent @OutboxEvent} annotation.
 * <pre class="code">
 * publisher.publish(OutboxMessage.of("order", orderId.toString(), "OrderPlaced", payload)
 *     .withHeader("tenant", tenantId));
 * </pre>
 *
 * @param aggregateType type of the aggregate, which selects the Kafka topic
 * @param aggregateId id of the aggregate, which becomes the Kafka record key
 * @param type type of the event, sent to consumers as a header
 * @param payload the event, serialized to JSON when written
 * @param headers additional headers for the Kafka record
 * @author Outbox contributors
 * @since 0.1.0
 */
public record OutboxMessage(String aggregateType, String aggregateId, String type, Object payload,
		Map<String, String> headers) {

	// Set by the relay on every record (see docs/kafka-records.md), or used by it on the way.
	private static final Set<String> RESERVED_HEADERS = Set.of("eventId", "eventType", "id", "outbox-headers");

	/**
	 * Creates a new message, checking that every part is present.
	 * @throws OutboxEventException if a part is null or blank
	 */
	public OutboxMessage {
		Class<?> eventClass = (payload != null) ? payload.getClass() : OutboxMessage.class;
		requireText(eventClass, "aggregate type", aggregateType);
		requireText(eventClass, "aggregate id", aggregateId);
		requireText(eventClass, "event type", type);
		if (payload == null) {
			throw new OutboxEventException(eventClass, "payload is null",
					"Pass the event object as the payload of the OutboxMessage.");
		}
		if (headers == null) {
			throw new OutboxEventException(eventClass, "headers are null", "Pass an empty map for no headers.");
		}
		headers.forEach((name, value) -> {
			if (name == null || name.isBlank() || value == null) {
				throw new OutboxEventException(eventClass, "header '" + name + "' has no name or a null value",
						"Give every header a name and a non-null value.");
			}
			if (RESERVED_HEADERS.contains(name)) {
				throw new OutboxEventException(eventClass, "header '" + name + "' is reserved",
						"The relay sets " + RESERVED_HEADERS + " itself; give the header another name.");
			}
		});
		headers = Map.copyOf(headers);
	}

	/**
	 * Creates a message without headers.
	 * @param aggregateType type of the aggregate, which selects the Kafka topic
	 * @param aggregateId id of the aggregate, which becomes the Kafka record key
	 * @param type type of the event, sent to consumers as a header
	 * @param payload the event, serialized to JSON when written
	 * @return the message
	 */
	public static OutboxMessage of(String aggregateType, String aggregateId, String type, Object payload) {
		return new OutboxMessage(aggregateType, aggregateId, type, payload, Map.of());
	}

	/**
	 * Returns a copy of this message with one more header.
	 * @param name the header name
	 * @param value the header value
	 * @return the new message
	 */
	public OutboxMessage withHeader(String name, String value) {
		Map<String, String> headers = new LinkedHashMap<>(this.headers);
		headers.put(name, value);
		return new OutboxMessage(this.aggregateType, this.aggregateId, this.type, this.payload, headers);
	}

	private static void requireText(Class<?> eventClass, String part, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new OutboxEventException(eventClass, part + " is " + ((value == null) ? "null" : "blank"),
					"Every outbox event needs an aggregate type, an aggregate id and an event type.");
		}
	}

}
