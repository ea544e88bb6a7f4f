package io.github.outbox.schema;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the outbox table ({@code outbox.table.*}). Names are checked when bound,
 * so a misconfigured name stops the application at start-up.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@ConfigurationProperties("outbox.table")
public class OutboxTableProperties implements Validator {

	/**
	 * Schema of the outbox table.
	 */
	private String schema = "public";

	/**
	 * Name of the outbox table.
	 */
	private String name = "outbox_event";

	/**
	 * Name of the PostgreSQL publication that covers the outbox table, which Debezium streams
	 * from.
	 */
	private String publication = "outbox_publication";

	/**
	 * Name of the inbox table, where consumers record the events they processed.
	 */
	private String inbox = "outbox_inbox";

	/**
	 * Name of Debezium's signal table, through which the relay is asked to replay events.
	 */
	private String signal = "outbox_signal";

	/**
	 * Name of the table where the embedded relay keeps its position, one row per replication
	 * slot.
	 */
	private String relayPosition = "outbox_relay_position";

	/**
	 * Name of the table where each event type's schema versions are registered.
	 */
	private String eventSchema = "outbox_event_schema";

	public String getSchema() {
		return this.schema;
	}

	public void setSchema(String schema) {
		this.schema = schema;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public String getPublication() {
		return this.publication;
	}

	public void setPublication(String publication) {
		this.publication = publication;
	}

	public String getInbox() {
		return this.inbox;
	}

	public void setInbox(String inbox) {
		this.inbox = inbox;
	}

	public String getSignal() {
		return this.signal;
	}

	public void setSignal(String signal) {
		this.signal = signal;
	}

	public String getRelayPosition() {
		return this.relayPosition;
	}

	public void setRelayPosition(String relayPosition) {
		this.relayPosition = relayPosition;
	}

	public String getEventSchema() {
		return this.eventSchema;
	}

	public void setEventSchema(String eventSchema) {
		this.eventSchema = eventSchema;
	}

	/**
	 * Returns the configured table.
	 * @return the table
	 */
	public OutboxTable toTable() {
		return new OutboxTable(this.schema, this.name, this.publication, this.inbox, this.signal, this.relayPosition,
				this.eventSchema);
	}

	@Override
	public boolean supports(Class<?> type) {
		return OutboxTableProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		OutboxTableProperties properties = (OutboxTableProperties) target;
		reject(errors, "schema", properties.getSchema());
		reject(errors, "name", properties.getName());
		reject(errors, "publication", properties.getPublication());
		reject(errors, "inbox", properties.getInbox());
		reject(errors, "signal", properties.getSignal());
		reject(errors, "relayPosition", properties.getRelayPosition());
		reject(errors, "eventSchema", properties.getEventSchema());
	}

	static void reject(Errors errors, String field, @Nullable String identifier) {
		String problem = SqlIdentifiers.problem(identifier);
		if (problem != null) {
			errors.rejectValue(field, "outbox.identifier", "The value " + problem);
		}
	}

}
