package io.github.outbox.inbox;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.github.outbox.OutboxEventUpcaster;
import tools.jackson.databind.JsonNode;

/**
 * The application's {@link OutboxEventUpcaster}s by event type and version: a payload of an
 * older version goes through each step from its version on, in order.
 */
final class Upcasters {

	static final Upcasters NONE = new Upcasters(List.of());

	private final Map<String, NavigableMap<Integer, OutboxEventUpcaster>> byEventType = new HashMap<>();

	Upcasters(Collection<OutboxEventUpcaster> upcasters) {
		for (OutboxEventUpcaster upcaster : upcasters) {
			OutboxEventUpcaster other = this.byEventType.computeIfAbsent(upcaster.eventType(), (type) -> new TreeMap<>())
				.putIfAbsent(upcaster.version(), upcaster);
			if (other != null) {
				throw new IllegalStateException("Two upcasters read version " + upcaster.version() + " of event type '"
						+ upcaster.eventType() + "': " + other + " and " + upcaster + ". Keep one per step.");
			}
		}
	}

	/**
	 * Returns whether a payload of a version needs upcasting.
	 * @param eventType the event type
	 * @param version the payload's version
	 * @return whether an upcaster reads that version or a later one
	 */
	boolean appliesTo(String eventType, int version) {
		NavigableMap<Integer, OutboxEventUpcaster> steps = this.byEventType.get(eventType);
		return steps != null && !steps.tailMap(version, true).isEmpty();
	}

	/**
	 * Upcasts a payload from its version through every later step.
	 * @param eventType the event type
	 * @param version the payload's version
	 * @param payload the payload
	 * @return the payload of the latest version the upcasters reach
	 */
	JsonNode upcast(String eventType, int version, JsonNode payload) {
		JsonNode result = payload;
		NavigableMap<Integer, OutboxEventUpcaster> steps = this.byEventType.get(eventType);
		if (steps != null) {
			for (OutboxEventUpcaster step : steps.tailMap(version, true).values()) {
				result = step.upcast(result);
			}
		}
		return result;
	}

}
