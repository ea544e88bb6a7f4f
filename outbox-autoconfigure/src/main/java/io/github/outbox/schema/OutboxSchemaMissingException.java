package io.github.outbox.schema;

/**
 * The schema that {@code outbox.table.schema} names does not exist, and the outbox migrations
 * were not allowed to create it.
 */
class OutboxSchemaMissingException extends RuntimeException {

	private final String schema;

	OutboxSchemaMissingException(String schema) {
		super("The schema '" + schema + "' named by outbox.table.schema does not exist.");
		this.schema = schema;
	}

	String getSchema() {
		return this.schema;
	}

}
