package io.github.outbox.contract;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Whether a reader's schema accepts every event a writer's schema allows, property by
 * property, for the schemas {@link EventSchemaGenerator} derives (inlined, no {@code $ref}).
 * The rules, where {@code R} is the reader's schema and {@code W} the writer's:
 * <ul>
 * <li>a property {@code R} requires must be one {@code W} always writes;</li>
 * <li>a property {@code W} writes that {@code R} does not declare is ignored by the reader
 * (Jackson's readers, as Spring Boot configures them, ignore unknown properties), unless
 * {@code R} forbids additional properties or gives them a schema (a map);</li>
 * <li>a property both declare compares by the same rules, recursively: each of {@code W}'s
 * types must be one of {@code R}'s ({@code integer} is a {@code number}, {@code null} is a
 * type), {@code W}'s values one of {@code R}'s {@code enum} or {@code const}, {@code W}'s
 * {@code format} the one {@code R} names, array items and map values alike;</li>
 * <li>each alternative {@code W} allows ({@code anyOf}, {@code oneOf}: a sealed type's permitted
 * classes) must be accepted by one of {@code R}'s.</li>
 * </ul>
 * A property {@code W} does not declare is taken as not written: an event class writes the
 * properties it has.
 */
final class SchemaComparison {

	private SchemaComparison() {
	}

	/**
	 * Compares two schemas.
	 * @param reader the schema the reader expects
	 * @param writer the schema of what is written
	 * @return what the reader does not accept, empty if it accepts everything
	 */
	static List<Difference> differences(JsonNode reader, JsonNode writer) {
		List<Difference> differences = new ArrayList<>();
		compare("", reader, writer, differences);
		return differences;
	}

	private static void compare(String path, JsonNode reader, JsonNode writer, List<Difference> differences) {
		List<JsonNode> readerAlternatives = alternatives(reader);
		// Each writer's alternative against the reader's that accepts most of it.
		for (JsonNode alternative : alternatives(writer)) {
			List<Difference> closest = null;
			for (JsonNode candidate : readerAlternatives) {
				List<Difference> found = new ArrayList<>();
				compareOne(path, candidate, alternative, found);
				if (closest == null || found.size() < closest.size()) {
					closest = found;
				}
			}
			if (closest != null) {
				differences.addAll(closest);
			}
		}
	}

	private static List<JsonNode> alternatives(JsonNode schema) {
		JsonNode choices = schema.has("anyOf") ? schema.get("anyOf") : schema.get("oneOf");
		if (choices == null || !choices.isArray()) {
			return List.of(schema);
		}
		List<JsonNode> alternatives = new ArrayList<>();
		for (JsonNode choice : choices.values()) {
			alternatives.addAll(alternatives(choice));
		}
		return alternatives;
	}

	private static void compareOne(String path, JsonNode reader, JsonNode writer, List<Difference> differences) {
		Set<String> readerTypes = types(reader);
		Set<String> writerTypes = types(writer);
		if (readerTypes != null) {
			if (writerTypes == null || !accepts(readerTypes, writerTypes)) {
				differences.add(new Difference(path, Difference.Kind.TYPE, reader, writer));
				return;
			}
		}
		Set<String> readerValues = values(reader);
		if (readerValues != null) {
			Set<String> writerValues = values(writer);
			if (writerValues == null) {
				differences.add(new Difference(path, Difference.Kind.VALUES, reader, writer));
			}
			else if (!readerValues.containsAll(writerValues)) {
				differences.add(new Difference(path, Difference.Kind.VALUES, reader, writer));
			}
		}
		String readerFormat = reader.path("format").asString(null);
		if (readerFormat != null && !readerFormat.equals(writer.path("format").asString(null))) {
			differences.add(new Difference(path, Difference.Kind.FORMAT, reader, writer));
		}
		compareProperties(path, reader, writer, differences);
		if (reader.has("items")) {
			if (writer.has("items")) {
				compare(path + "[]", reader.get("items"), writer.get("items"), differences);
			}
			else {
				differences.add(new Difference(path + "[]", Difference.Kind.TYPE, reader.get("items"), writer));
			}
		}
	}

	private static void compareProperties(String path, JsonNode reader, JsonNode writer,
			List<Difference> differences) {
		JsonNode readerProperties = reader.path("properties");
		JsonNode writerProperties = writer.path("properties");
		Set<String> readerRequired = names(reader.path("required"));
		Set<String> writerRequired = names(writer.path("required"));
		Set<String> declared = new LinkedHashSet<>(readerProperties.propertyNames());
		declared.addAll(readerRequired);
		for (String name : declared) {
			String property = path.isEmpty() ? name : path + "." + name;
			JsonNode written = writerProperties.get(name);
			if (readerRequired.contains(name) && !writerRequired.contains(name)) {
				differences.add(new Difference(property,
						(written != null) ? Difference.Kind.NOT_ALWAYS_WRITTEN : Difference.Kind.MISSING,
						readerProperties.path(name), (written != null) ? written : writerProperties.path(name)));
			}
			if (written != null && readerProperties.has(name)) {
				compare(property, readerProperties.get(name), written, differences);
			}
		}
		JsonNode readerAdditional = reader.get("additionalProperties");
		for (String name : writerProperties.propertyNames()) {
			if (readerProperties.has(name) || readerAdditional == null) {
				continue;
			}
			String property = path.isEmpty() ? name : path + "." + name;
			if (readerAdditional.isBoolean() && !readerAdditional.booleanValue()) {
				differences.add(new Difference(property, Difference.Kind.UNDECLARED, readerAdditional,
						writerProperties.get(name)));
			}
			else if (readerAdditional.isObject()) {
				compare(property, readerAdditional, writerProperties.get(name), differences);
			}
		}
		JsonNode writerAdditional = writer.get("additionalProperties");
		if (readerAdditional != null && readerAdditional.isObject() && writerAdditional != null
				&& writerAdditional.isObject()) {
			compare(path + "{}", readerAdditional, writerAdditional, differences);
		}
	}

	// null: any type.
	private static @Nullable Set<String> types(JsonNode schema) {
		JsonNode type = schema.get("type");
		if (type == null) {
			if (schema.has("properties")) {
				return Set.of("object");
			}
			return null;
		}
		return names(type);
	}

	private static boolean accepts(Set<String> readerTypes, Set<String> writerTypes) {
		for (String type : writerTypes) {
			boolean accepted = readerTypes.contains(type) || (type.equals("integer") && readerTypes.contains("number"));
			if (!accepted) {
				return false;
			}
		}
		return true;
	}

	// null: any value of its types.
	private static @Nullable Set<String> values(JsonNode schema) {
		if (schema.has("const")) {
			return Set.of(schema.get("const").toString());
		}
		JsonNode values = schema.get("enum");
		if (values == null) {
			return null;
		}
		Set<String> texts = new LinkedHashSet<>();
		values.values().forEach((value) -> texts.add(value.toString()));
		return texts;
	}

	private static Set<String> names(JsonNode node) {
		Set<String> names = new LinkedHashSet<>();
		if (node.isString()) {
			names.add(node.stringValue());
		}
		else if (node.isArray()) {
			node.values().forEach((name) -> names.add(name.asString()));
		}
		return names;
	}

	/**
	 * One thing a reader does not accept of what is written.
	 *
	 * @param property where: a dotted path from the event, {@code []} for array items and
	 * {@code {}} for map values, empty for the event itself
	 * @param kind what
	 * @param reader the reader's schema there (missing if it declares nothing)
	 * @param writer the writer's schema there (missing if it writes nothing)
	 */
	record Difference(String property, Kind kind, JsonNode reader, JsonNode writer) {

		enum Kind {

			/** The reader requires a property the writer does not write. */
			MISSING,

			/** The reader requires a property the writer may leave out. */
			NOT_ALWAYS_WRITTEN,

			/** The writer writes a type the reader does not read there. */
			TYPE,

			/** The writer writes values the reader does not know. */
			VALUES,

			/** The writer writes a format (a UUID, a date) other than the reader's. */
			FORMAT,

			/** The writer writes a property that the reader forbids. */
			UNDECLARED

		}

	}

}
