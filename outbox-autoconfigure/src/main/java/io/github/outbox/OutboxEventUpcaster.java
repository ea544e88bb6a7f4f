package io.github.outbox;

import java.util.function.UnaryOperator;

import tools.jackson.databind.JsonNode;

/**
 * Turns the payload of one schema version of an event type into the next version's, so that a
 * consumer reads events written by older classes into its current class. Declare one bean per
 * step; a {@link ReceivedEvent} whose {@link ReceivedEvent#schemaVersion() schema version} is
 * older goes through each step from its version on, in order, before it is read:
 * <pre class="code">
 * &#064;Bean
 * OutboxEventUpcaster orderPlacedV1ToV2() {
 *     return OutboxEventUpcaster.of("OrderPlaced", 1,
 *             (payload) -&gt; ((ObjectNode) payload).put("channel", "web"));
 * }
 * </pre>
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public interface OutboxEventUpcaster {

	/**
	 * Returns the event type whose payloads it reads ({@code eventType} header).
	 * @return the event type
	 */
	String eventType();

	/**
	 * Returns the schema version it reads; it returns the next version's payload.
	 * @return the version, from 1
	 */
	int version();

	/**
	 * Turns a payload of {@link #version()} into the next version's.
	 * @param payload the payload as JSON, which may be changed and returned
	 * @return the payload of the next version
	 */
	JsonNode upcast(JsonNode payload);

	/**
	 * Creates an upcaster from a function.
	 * @param eventType the event type
	 * @param version the version it reads
	 * @param upcast the step to the next version
	 * @return the upcaster
	 */
	static OutboxEventUpcaster of(String eventType, int version, UnaryOperator<JsonNode> upcast) {
		return new OutboxEventUpcaster() {

			@Override
			public String eventType() {
				return eventType;
			}

			@Override
			public int version() {
				return version;
			}

			@Override
			public JsonNode upcast(JsonNode payload) {
				return upcast.apply(payload);
			}

			@Override
			public String toString() {
				return "upcaster of " + eventType + " version " + version;
			}

		};
	}

}
