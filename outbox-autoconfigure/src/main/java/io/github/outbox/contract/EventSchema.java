package io.github.outbox.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema of one event type, as the current event class is written: what the registry
 * stores, one version per distinct schema.
 *
 * @param aggregateType the aggregate type the event belongs to
 * @param eventType the event type, as the outbox row's {@code type} column holds it
 * @param eventClass the name of the class the schema was derived from
 * @param schema the JSON Schema (draft 2020-12), canonical
 * @param fingerprint SHA-256 of the canonical schema's text, in hexadecimal: equal schemas
 * have equal fingerprints
 * @author Outbox contributors
 * @since 0.1.0
 */
public record EventSchema(String aggregateType, String eventType, String eventClass, JsonNode schema,
		String fingerprint) {

	private static final JsonMapper plainMapper = JsonMapper.builder().build();

	// Keywords whose arrays are sets: their order carries no meaning (a sealed type's permitted
	// classes reordered are the same alternatives).
	private static final Set<String> unorderedArrays = Set.of("required", "enum", "type", "anyOf", "oneOf");

	/**
	 * Creates the schema of an event type from any JSON Schema, made canonical: object keys
	 * sorted, and the entries of {@code required}, {@code enum}, {@code type}, {@code anyOf}
	 * and {@code oneOf} too, so that a reordered class keeps its fingerprint.
	 * @param aggregateType the aggregate type
	 * @param eventType the event type
	 * @param eventClass the name of the class the schema was derived from
	 * @param schema the schema
	 * @return the event schema
	 */
	public static EventSchema of(String aggregateType, String eventType, String eventClass, JsonNode schema) {
		JsonNode canonical = canonical(schema, false);
		return new EventSchema(aggregateType, eventType, eventClass, canonical, fingerprint(text(canonical)));
	}

	/**
	 * Returns the canonical text of the schema, the one its fingerprint is taken of.
	 * @return the schema as compact JSON
	 */
	public String text() {
		return text(this.schema);
	}

	/**
	 * Returns the schema indented, as a schema file in a repository holds it.
	 * @return the schema as indented JSON
	 */
	public String prettyText() {
		return plainMapper.writerWithDefaultPrettyPrinter().writeValueAsString(this.schema);
	}

	/**
	 * Reads the schema of an event type from its text (a schema file, a registered version).
	 * @param aggregateType the aggregate type
	 * @param eventType the event type
	 * @param source where it comes from, in place of the class it was derived from
	 * @param text the schema as JSON
	 * @return the event schema, canonical
	 */
	static EventSchema read(String aggregateType, String eventType, String source, String text) {
		return of(aggregateType, eventType, source, plainMapper.readTree(text));
	}

	private static String text(JsonNode schema) {
		return plainMapper.writeValueAsString(schema);
	}

	private static JsonNode canonical(JsonNode node, boolean unordered) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		if (node.isObject()) {
			TreeMap<String, JsonNode> sorted = new TreeMap<>();
			for (var property : node.properties()) {
				sorted.put(property.getKey(), canonical(property.getValue(), unorderedArrays.contains(property.getKey())));
			}
			ObjectNode result = nodes.objectNode();
			sorted.forEach(result::set);
			return result;
		}
		if (node.isArray()) {
			List<JsonNode> elements = new ArrayList<>();
			for (JsonNode element : node.values()) {
				elements.add(canonical(element, false));
			}
			if (unordered) {
				elements.sort((left, right) -> text(left).compareTo(text(right)));
			}
			ArrayNode result = nodes.arrayNode();
			elements.forEach(result::add);
			return result;
		}
		return node;
	}

	private static String fingerprint(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return this.aggregateType + "/" + this.eventType + " (" + this.eventClass + ")";
	}

}
