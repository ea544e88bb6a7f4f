package io.github.outbox.contract;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;

/**
 * The registered versions of one event type, and the one rule by which a schema joins them,
 * whatever keeps them (the table, schema files): a schema equal to a version keeps that
 * version's number; another, compatible under the mode, becomes the next version; an
 * incompatible one is refused.
 */
final class SchemaVersions {

	private final NavigableMap<Integer, JsonNode> schemas = new TreeMap<>();

	private final Map<String, Integer> byFingerprint = new HashMap<>();

	/**
	 * Creates the versions of an event type.
	 * @param versions its registered versions by number
	 */
	SchemaVersions(Map<Integer, EventSchema> versions) {
		versions.forEach((version, schema) -> {
			this.schemas.put(version, schema.schema());
			this.byFingerprint.put(schema.fingerprint(), version);
		});
	}

	/**
	 * Works out the version a schema has or would get.
	 * @param schema the event class's schema
	 * @param compatibility the mode
	 * @return the registered version equal to the schema, or the number of the next version
	 * (then {@link Registration#added()})
	 * @throws IncompatibleEventSchemaException if the schema is new and not compatible
	 */
	Registration register(EventSchema schema, SchemaCompatibility compatibility) {
		Integer known = this.byFingerprint.get(schema.fingerprint());
		if (known != null) {
			return new Registration(known, false);
		}
		List<Incompatibility> incompatibilities = compatibility.check(schema.schema(), this.schemas);
		if (!incompatibilities.isEmpty()) {
			throw new IncompatibleEventSchemaException(schema, compatibility, incompatibilities);
		}
		return new Registration(this.schemas.isEmpty() ? 1 : this.schemas.lastKey() + 1, true);
	}

	/**
	 * The outcome of a registration.
	 *
	 * @param version the schema's version
	 * @param added whether it is a new version, to be stored
	 */
	record Registration(int version, boolean added) {
	}

}
