package io.github.outbox.publish;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.outbox.OutboxEventException;
import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPayloadSerializer;
import io.github.outbox.support.EventSchemaVersions;
import io.github.outbox.support.JsonText;
import io.github.outbox.support.OutboxEventType;

import org.springframework.util.unit.DataSize;

/**
 * Turns a message into a row: gives it an id, serializes it and checks that it fits, so that
 * every problem with an event surfaces where it is published.
 */
final class OutboxRecordFactory {

	private static final int MAX_QUOTED_LENGTH = 300;

	private final OutboxPayloadSerializer serializer;

	private final OutboxTableLayout layout;

	private final DataSize maxPayloadSize;

	private final TimeOrderedUuids ids = new TimeOrderedUuids();

	private final TraceContext traceContext;

	private final EventSchemaVersions schemaVersions;

	OutboxRecordFactory(OutboxPayloadSerializer serializer, OutboxTableLayout layout, DataSize maxPayloadSize,
			TraceContext traceContext, EventSchemaVersions schemaVersions) {
		this.serializer = serializer;
		this.traceContext = traceContext;
		this.schemaVersions = schemaVersions;
		this.layout = layout;
		this.maxPayloadSize = maxPayloadSize;
	}

	OutboxRecord create(OutboxMessage message) {
		Class<?> eventClass = message.payload().getClass();
		checkLength(eventClass, "aggregate type", message.aggregateType(), this.layout.aggregateTypeLength());
		checkLength(eventClass, "aggregate id", message.aggregateId(), this.layout.aggregateIdLength());
		checkLength(eventClass, "event type", message.type(), this.layout.typeLength());
		String payload = serialize(eventClass, message.payload());
		Map<String, String> allHeaders = withSchemaVersion(message, withTraceContext(message.headers()));
		String headers = allHeaders.isEmpty() ? null : JsonText.object(allHeaders);
		long size = JsonText.utf8Length(payload) + ((headers != null) ? JsonText.utf8Length(headers) : 0);
		if (size > this.maxPayloadSize.toBytes()) {
			throw new OutboxEventException(eventClass,
					"its payload and headers take " + size + " bytes as JSON, more than outbox.publish.max-payload-size ("
							+ this.maxPayloadSize.toBytes() + " bytes)",
					"Publish a smaller event (ids of large data rather than the data), or raise "
							+ "outbox.publish.max-payload-size together with the producer's max.request.size and the "
							+ "topic's max.message.bytes.");
		}
		return new OutboxRecord(this.ids.next(), message.aggregateType(), message.aggregateId(), message.type(),
				payload, headers, eventClass);
	}

	// Headers given with the event win over the trace context's.
	private Map<String, String> withTraceContext(Map<String, String> headers) {
		Map<String, String> trace = this.traceContext.currentHeaders();
		if (trace.isEmpty()) {
			return headers;
		}
		Map<String, String> merged = new LinkedHashMap<>(trace);
		merged.putAll(headers);
		return merged;
	}

	// The registered version of the class's schema, when the event goes out under the names
	// the schema is registered under; a header given with the event wins.
	private Map<String, String> withSchemaVersion(OutboxMessage message, Map<String, String> headers) {
		Class<?> eventClass = message.payload().getClass();
		Integer version = this.schemaVersions.versionOf(eventClass);
		if (version == null || headers.containsKey(EventSchemaVersions.HEADER)
				|| !new OutboxEventType(message.aggregateType(), message.type()).equals(OutboxEventType.of(eventClass))) {
			return headers;
		}
		Map<String, String> merged = new LinkedHashMap<>(headers);
		merged.put(EventSchemaVersions.HEADER, version.toString());
		return merged;
	}

	private String serialize(Class<?> eventClass, Object payload) {
		String json;
		try {
			json = this.serializer.serialize(payload);
		}
		catch (RuntimeException ex) {
			throw new OutboxEventException(eventClass, "it cannot be serialized to JSON (" + quoted(ex) + ")",
					"Make it serializable by the application's JsonMapper, or define an OutboxPayloadSerializer bean.",
					ex);
		}
		if (json == null) {
			throw new OutboxEventException(eventClass, "the OutboxPayloadSerializer returned null",
					"Return the event as a JSON document.");
		}
		return json;
	}

	/**
	 * The serializer's message, cut short: Jackson's for a cyclic payload quotes its whole
	 * reference chain (tens of thousands of characters). The cause keeps all of it.
	 */
	private static String quoted(Exception ex) {
		String message = String.valueOf(ex.getMessage());
		if (message.length() <= MAX_QUOTED_LENGTH) {
			return message;
		}
		return message.substring(0, MAX_QUOTED_LENGTH) + "... (" + (message.length() - MAX_QUOTED_LENGTH)
				+ " more characters in the cause)";
	}

	private void checkLength(Class<?> eventClass, String part, String value, int maxLength) {
		int length = value.codePointCount(0, value.length());
		if (length > maxLength) {
			throw new OutboxEventException(eventClass,
					"its " + part + " is " + length + " characters long, more than the " + maxLength + " that the "
							+ this.layout.table() + " table takes",
					"Shorten it, or widen the column with a migration of your own.");
		}
	}

}
