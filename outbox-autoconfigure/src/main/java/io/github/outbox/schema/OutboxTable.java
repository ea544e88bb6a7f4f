package io.github.outbox.schema;

/**
 * The outbox table and the publication Debezium streams it from, with names already checked
 * to be valid PostgreSQL identifiers.
 *
 * @param schema the schema of the table
 * @param name the name of the table
 * @param publication the name of the publication that covers the table
 * @author Outbox contributors
 * @since 0.1.0
 */
public record OutboxTable(String schema, String name, String publication) {

	/**
	 * Creates a new instance.
	 * @throws IllegalArgumentException if a name is not a lowercase, unquoted PostgreSQL
	 * identifier
	 */
	public OutboxTable {
		for (String identifier : new String[] { schema, name, publication }) {
			String problem = SqlIdentifiers.problem(identifier);
			if (problem != null) {
				throw new IllegalArgumentException("'" + identifier + "' " + problem);
			}
		}
	}

	/**
	 * Returns the schema-qualified, quoted name of the table, for use in SQL.
	 * @return the qualified name, such as {@code "public"."outbox_event"}
	 */
	public String qualifiedName() {
		return '"' + this.schema + "\".\"" + this.name + '"';
	}

	@Override
	public String toString() {
		return this.schema + "." + this.name;
	}

}
