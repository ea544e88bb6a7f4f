package io.github.outbox.contract;

/**
 * Where each event type's schema versions are registered. The default keeps them in a table
 * of the outbox's schema ({@code outbox.table.event-schema}); declare a bean of this type to
 * keep them elsewhere (an external schema registry), and check a new schema with
 * {@link SchemaCompatibility#check} so that the rules stay the same.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@FunctionalInterface
public interface EventSchemaRegistry {

	/**
	 * Registers an event type's current schema. A schema equal to a registered version keeps
	 * that version's number; another one, compatible with the registered versions under the
	 * given mode, becomes the next version. Two instances registering the same schema at once
	 * register one version.
	 * @param schema the schema of the event class
	 * @param compatibility the mode it must meet
	 * @return the schema's version number, from 1
	 * @throws IncompatibleEventSchemaException if the schema is new and not compatible
	 */
	int register(EventSchema schema, SchemaCompatibility compatibility);

}
