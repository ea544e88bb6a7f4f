package io.github.outbox.contract;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An event class's schema changed in a way that the registered versions' consumers (or the
 * class itself, reading their events) cannot follow under {@code outbox.schema.compatibility}.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public class IncompatibleEventSchemaException extends RuntimeException {

	private final EventSchema schema;

	private final SchemaCompatibility compatibility;

	private final List<Incompatibility> incompatibilities;

	/**
	 * Creates a new instance.
	 * @param schema the refused schema
	 * @param compatibility the mode it does not meet
	 * @param incompatibilities why, at least one
	 */
	public IncompatibleEventSchemaException(EventSchema schema, SchemaCompatibility compatibility,
			List<Incompatibility> incompatibilities) {
		super("The schema of event type '" + schema.eventType() + "' (aggregate type '" + schema.aggregateType()
				+ "', class " + schema.eventClass() + ") is not " + compatibility + " compatible with its registered "
				+ "versions:" + incompatibilities.stream()
					.map((incompatibility) -> System.lineSeparator() + "  - " + incompatibility)
					.collect(Collectors.joining()));
		this.schema = schema;
		this.compatibility = compatibility;
		this.incompatibilities = List.copyOf(incompatibilities);
	}

	/**
	 * Returns the refused schema.
	 * @return the schema
	 */
	public EventSchema getSchema() {
		return this.schema;
	}

	/**
	 * Returns the mode the schema does not meet.
	 * @return the compatibility mode
	 */
	public SchemaCompatibility getCompatibility() {
		return this.compatibility;
	}

	/**
	 * Returns why the schema is not compatible.
	 * @return the incompatibilities, at least one
	 */
	public List<Incompatibility> getIncompatibilities() {
		return this.incompatibilities;
	}

	/**
	 * Returns the ways out, for a failure report or a test failure.
	 * @return advice, one line per way out
	 */
	public String getAdvice() {
		String n = System.lineSeparator();
		return "Keep the event readable by the consumers it already has:" + n
				+ "  - renamed a property? Keep its old name on the wire with @JsonProperty(\"<old name>\");" + n
				+ "  - need new information? Add it as a new, nullable property instead of changing or removing one;" + n
				+ "  - a different event? Publish it as a new event type (@OutboxEvent(type = \""
				+ this.schema.eventType() + "V2\")) next to the old one until its consumers have moved;" + n
				+ "  - every consumer ready for the change? Deploy it once with outbox.schema.compatibility=NONE "
				+ "(now " + this.compatibility + ")." + n
				+ "See docs/schema-evolution.md for the rules.";
	}

}
