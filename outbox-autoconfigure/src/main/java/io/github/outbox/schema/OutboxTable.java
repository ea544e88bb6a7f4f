package io.github.outbox.schema;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The outbox's database objects: the outbox table, the publication Debezium streams it from
 * and the inbox table of the consumer side, all in one schema, with names already checked to be
 * valid PostgreSQL identifiers. Debezium's signal table is among them.
 *
 * @param schema the schema of the tables
 * @param name the name of the outbox table
 * @param publication the name of the publication that covers the outbox table
 * @param inbox the name of the inbox table
 * @param signal the name of Debezium's signal table, through which events are replayed
 * @param relayPosition the name of the table where the embedded relay keeps its position
 * @param eventSchema the name of the table where the event types' schemas are registered
 * @author Outbox contributors
 * @since 0.1.0
 */
public record OutboxTable(String schema, String name, String publication, String inbox, String signal,
		String relayPosition, String eventSchema) {

	/**
	 * Creates a new instance.
	 * @throws IllegalArgumentException if a name is not a lowercase, unquoted PostgreSQL
	 * identifier
	 */
	public OutboxTable {
		for (String identifier : new String[] { schema, name, publication, inbox, signal, relayPosition, eventSchema }) {
			String problem = SqlIdentifiers.problem(identifier);
			if (problem != null) {
				throw new IllegalArgumentException("'" + identifier + "' " + problem);
			}
		}
	}

	/**
	 * Creates a new instance with the default name of the event schema registry's table.
	 * @param schema the schema of the tables
	 * @param name the name of the outbox table
	 * @param publication the name of the publication that covers the outbox table
	 * @param inbox the name of the inbox table
	 * @param signal the name of Debezium's signal table
	 * @param relayPosition the name of the embedded relay's position table
	 * @throws IllegalArgumentException if a name is not a lowercase, unquoted PostgreSQL
	 * identifier
	 */
	public OutboxTable(String schema, String name, String publication, String inbox, String signal,
			String relayPosition) {
		this(schema, name, publication, inbox, signal, relayPosition, "outbox_event_schema");
	}

	/**
	 * Returns the schema-qualified, quoted name of the table, for use in SQL.
	 * @return the qualified name, such as {@code "public"."outbox_event"}
	 */
	public String qualifiedName() {
		return qualified(this.name);
	}

	/**
	 * Returns the schema-qualified, quoted name of the inbox table, for use in SQL.
	 * @return the qualified name, such as {@code "public"."outbox_inbox"}
	 */
	public String qualifiedInboxName() {
		return qualified(this.inbox);
	}

	/**
	 * Returns the schema-qualified, quoted name of Debezium's signal table, for use in SQL.
	 * @return the qualified name, such as {@code "public"."outbox_signal"}
	 */
	public String qualifiedSignalName() {
		return qualified(this.signal);
	}

	/**
	 * Returns the schema-qualified, quoted name of the embedded relay's position table, for use
	 * in SQL.
	 * @return the qualified name, such as {@code "public"."outbox_relay_position"}
	 */
	public String qualifiedRelayPositionName() {
		return qualified(this.relayPosition);
	}

	/**
	 * Returns the schema-qualified, quoted name of the event schema registry's table, for use in
	 * SQL.
	 * @return the qualified name, such as {@code "public"."outbox_event_schema"}
	 */
	public String qualifiedEventSchemaName() {
		return qualified(this.eventSchema);
	}

	/**
	 * Returns the name of the outbox table as Debezium names it, in
	 * {@code table.include.list} and in snapshot signals.
	 * @return the name, such as {@code public.outbox_event}
	 */
	public String dataCollection() {
		return this.schema + "." + this.name;
	}

	/**
	 * Returns the name of Debezium's signal table as Debezium's {@code signal.data.collection}
	 * names it.
	 * @return the name, such as {@code public.outbox_signal}
	 */
	public String signalDataCollection() {
		return this.schema + "." + this.signal;
	}

	/**
	 * Returns the quoted name of a table in the outbox's schema, for use in SQL.
	 * @param table a table name, such as a partition's
	 * @return the qualified name, such as {@code "public"."outbox_event_default"}
	 */
	public String qualified(String table) {
		return '"' + this.schema + "\".\"" + table + '"';
	}

	/**
	 * Returns the value of the {@code created_at} column for an instant: the column holds UTC
	 * wall-clock time without a zone (see the table's migration).
	 * @param instant the instant
	 * @return the column value
	 */
	public static LocalDateTime createdAt(Instant instant) {
		return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	/**
	 * Returns the instant a value of the {@code created_at} column stands for.
	 * @param createdAt the column value, UTC wall-clock time
	 * @return the instant
	 * @see #createdAt(Instant)
	 */
	public static Instant instantOf(LocalDateTime createdAt) {
		return createdAt.toInstant(ZoneOffset.UTC);
	}

	@Override
	public String toString() {
		return dataCollection();
	}

}
