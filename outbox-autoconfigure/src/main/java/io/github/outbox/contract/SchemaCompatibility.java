package io.github.outbox.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

import tools.jackson.databind.JsonNode;

/**
 * Which registered versions an event class's new schema must stay compatible with, and in
 * which direction ({@code outbox.schema.compatibility}). The names are those of Kafka's schema
 * registries.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public enum SchemaCompatibility {

	/**
	 * Every change is registered.
	 */
	NONE(false, false, false),

	/**
	 * Consumers built on the new class read the latest version's events.
	 */
	BACKWARD(false, true, false),

	/**
	 * Consumers built on the new class read the events of every version.
	 */
	BACKWARD_TRANSITIVE(false, true, true),

	/**
	 * Consumers of the latest version read the new class's events: the default, since the
	 * teams that consume an event deploy on their own schedule.
	 */
	FORWARD(true, false, false),

	/**
	 * Consumers of every version read the new class's events.
	 */
	FORWARD_TRANSITIVE(true, false, true),

	/**
	 * Both {@link #BACKWARD} and {@link #FORWARD}.
	 */
	FULL(true, true, false),

	/**
	 * Both {@link #BACKWARD_TRANSITIVE} and {@link #FORWARD_TRANSITIVE}.
	 */
	FULL_TRANSITIVE(true, true, true);

	private final boolean oldConsumers;

	private final boolean oldEvents;

	private final boolean transitive;

	SchemaCompatibility(boolean oldConsumers, boolean oldEvents, boolean transitive) {
		this.oldConsumers = oldConsumers;
		this.oldEvents = oldEvents;
		this.transitive = transitive;
	}

	/**
	 * Checks a new schema against the registered versions of its event type.
	 * @param schema the new schema
	 * @param versions the registered versions' schemas by version number
	 * @return why the new schema is not compatible, empty if it is
	 */
	public List<Incompatibility> check(JsonNode schema, NavigableMap<Integer, JsonNode> versions) {
		List<Incompatibility> incompatibilities = new ArrayList<>();
		if (versions.isEmpty()) {
			return incompatibilities;
		}
		Iterable<Map.Entry<Integer, JsonNode>> compared = this.transitive ? versions.descendingMap().entrySet()
				: List.of(versions.lastEntry());
		for (Map.Entry<Integer, JsonNode> version : compared) {
			if (this.oldConsumers) {
				for (SchemaComparison.Difference difference : SchemaComparison.differences(version.getValue(), schema)) {
					incompatibilities.add(Incompatibility.forOldConsumers(difference, version.getKey()));
				}
			}
			if (this.oldEvents) {
				for (SchemaComparison.Difference difference : SchemaComparison.differences(schema, version.getValue())) {
					incompatibilities.add(Incompatibility.forOldEvents(difference, version.getKey()));
				}
			}
		}
		return incompatibilities;
	}

}
