package io.github.outbox.contract;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * One reason why an event class's schema is not compatible with a registered version.
 *
 * @param property the property, as a dotted path ({@code customer.address}, with {@code []}
 * for array items and {@code {}} for map values), empty for the event itself
 * @param version the registered version it was compared with
 * @param before what that version has there
 * @param now what the event class has there
 * @param consequence what would break, and for whom
 * @author Outbox contributors
 * @since 0.1.0
 */
public record Incompatibility(String property, int version, String before, String now, String consequence) {

	/**
	 * Describes what consumers of a registered version would not accept in the events of the
	 * current class: the old schema reads what the new one writes.
	 */
	static Incompatibility forOldConsumers(SchemaComparison.Difference difference, int version) {
		String before = describe(difference.reader());
		String now = describe(difference.writer());
		String consequence = switch (difference.kind()) {
			case MISSING -> "the class no longer writes it, and consumers of version " + version
					+ " read it in every event";
			case NOT_ALWAYS_WRITTEN -> "the class may leave it out, and consumers of version " + version
					+ " read it in every event";
			case TYPE, FORMAT -> "consumers of version " + version + " cannot read what the class writes there";
			case VALUES -> "the class writes values that consumers of version " + version + " do not know";
			case UNDECLARED -> "consumers of version " + version + " refuse properties they do not declare";
		};
		return new Incompatibility(difference.property(), version, before, now, consequence);
	}

	/**
	 * Describes what the current class would not accept in the events of a registered version:
	 * the new schema reads what the old one wrote.
	 */
	static Incompatibility forOldEvents(SchemaComparison.Difference difference, int version) {
		String before = describe(difference.writer());
		String now = describe(difference.reader());
		String consequence = switch (difference.kind()) {
			case MISSING -> "events of version " + version + " do not have it, and the class requires it";
			case NOT_ALWAYS_WRITTEN -> "events of version " + version + " may lack it, and the class requires it";
			case TYPE, FORMAT -> "the class cannot read what events of version " + version + " hold there";
			case VALUES -> "events of version " + version + " hold values the class does not know";
			case UNDECLARED -> "the class refuses properties that events of version " + version + " hold";
		};
		return new Incompatibility(difference.property(), version, before, now, consequence);
	}

	/**
	 * Describes a schema in a few words: {@code number}, {@code string (uuid) or null},
	 * {@code one of "PLACED", "PAID"}, {@code none}.
	 */
	static String describe(JsonNode schema) {
		if (schema.isMissingNode()) {
			return "none";
		}
		if (schema.isBoolean()) {
			return schema.booleanValue() ? "anything" : "nothing";
		}
		JsonNode choices = schema.has("anyOf") ? schema.get("anyOf") : schema.get("oneOf");
		if (choices != null) {
			List<String> parts = new ArrayList<>();
			choices.values().forEach((choice) -> parts.add(describe(choice)));
			return String.join(" or ", parts);
		}
		if (schema.has("const")) {
			return schema.get("const").toString();
		}
		if (schema.has("enum")) {
			List<String> values = new ArrayList<>();
			schema.get("enum").values().forEach((value) -> values.add(value.toString()));
			return "one of " + String.join(", ", values);
		}
		JsonNode type = schema.get("type");
		if (type == null) {
			return schema.has("properties") ? "object" : "anything";
		}
		List<String> types = new ArrayList<>();
		List<String> names = new ArrayList<>();
		(type.isArray() ? type.values() : List.of(type)).forEach((name) -> names.add(name.asString()));
		// "string or null" reads better than the canonical order's "null or string".
		if (names.remove("null")) {
			names.add("null");
		}
		for (String name : names) {
			if (name.equals("array") && schema.has("items")) {
				types.add("array of " + describe(schema.get("items")));
			}
			else if (schema.has("format") && !name.equals("null")) {
				types.add(name + " (" + schema.get("format").asString() + ")");
			}
			else {
				types.add(name);
			}
		}
		return String.join(" or ", types);
	}

	@Override
	public String toString() {
		return (this.property.isEmpty() ? "the event" : this.property) + ": version " + this.version + " has "
				+ this.before + ", the class has " + this.now + ": " + this.consequence;
	}

}
