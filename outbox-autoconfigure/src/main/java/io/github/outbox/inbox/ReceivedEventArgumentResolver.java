package io.github.outbox.inbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.outbox.ReceivedEvent;
import io.github.outbox.support.EventSchemaVersions;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaNull;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;

/**
 * Resolves {@link ReceivedEvent} parameters of Kafka listener methods, and {@code List}s of
 * them in batch listeners: id and type from the {@code eventId} and {@code eventType}
 * headers, aggregate id from the key, payload deserialized from the JSON value with the
 * application's Jackson {@link JsonMapper} into the parameter's type argument, or, when that
 * is a sealed type, into its subclass for the event type.
 */
final class ReceivedEventArgumentResolver implements HandlerMethodArgumentResolver {

	static final String EVENT_ID = "eventId";

	static final String EVENT_TYPE = "eventType";

	// Spring Messaging's own headers, which are not headers of the record.
	private static final Set<String> FRAMEWORK_HEADERS = Set.of(MessageHeaders.ID, MessageHeaders.TIMESTAMP,
			"spring_json_header_types", EVENT_ID, EVENT_TYPE);

	private final JsonMapper jsonMapper;

	private final Upcasters upcasters;

	// Payloads to upcast are read as trees with their decimals exact.
	private final ObjectReader treeReader;

	ReceivedEventArgumentResolver(JsonMapper jsonMapper) {
		this(jsonMapper, Upcasters.NONE);
	}

	ReceivedEventArgumentResolver(JsonMapper jsonMapper, Upcasters upcasters) {
		this.jsonMapper = jsonMapper;
		this.upcasters = upcasters;
		this.treeReader = jsonMapper.readerFor(JsonNode.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
	}

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return isReceivedEvent(ResolvableType.forMethodParameter(parameter))
				|| isListOfReceivedEvents(ResolvableType.forMethodParameter(parameter));
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, Message<?> message) {
		ResolvableType type = ResolvableType.forMethodParameter(parameter);
		MessageHeaders headers = message.getHeaders();
		if (isReceivedEvent(type)) {
			return event(payloadType(type), message.getPayload(), headers, headers.get(KafkaHeaders.RECEIVED_KEY),
					headers.get(KafkaHeaders.RECEIVED_TOPIC), headers.get(KafkaHeaders.RECEIVED_PARTITION),
					headers.get(KafkaHeaders.OFFSET), headers.get(KafkaHeaders.RECEIVED_TIMESTAMP));
		}
		JavaType payloadType = payloadType(type.getGeneric(0));
		List<?> payloads = (List<?>) message.getPayload();
		List<?> keys = list(headers, KafkaHeaders.RECEIVED_KEY, payloads.size());
		List<?> topics = list(headers, KafkaHeaders.RECEIVED_TOPIC, payloads.size());
		List<?> partitions = list(headers, KafkaHeaders.RECEIVED_PARTITION, payloads.size());
		List<?> offsets = list(headers, KafkaHeaders.OFFSET, payloads.size());
		List<?> timestamps = list(headers, KafkaHeaders.RECEIVED_TIMESTAMP, payloads.size());
		List<?> recordHeaders = list(headers, KafkaHeaders.BATCH_CONVERTED_HEADERS, payloads.size());
		List<ReceivedEvent<?>> events = new ArrayList<>(payloads.size());
		for (int i = 0; i < payloads.size(); i++) {
			@SuppressWarnings("unchecked")
			Map<String, Object> converted = (Map<String, Object>) recordHeaders.get(i);
			events.add(event(payloadType, payloads.get(i), (converted != null) ? converted : Map.of(), keys.get(i),
					topics.get(i), partitions.get(i), offsets.get(i), timestamps.get(i)));
		}
		return events;
	}

	private ReceivedEvent<?> event(JavaType payloadType, @Nullable Object payload, Map<String, ?> headers,
			@Nullable Object key, @Nullable Object topic, @Nullable Object partition, @Nullable Object offset,
			@Nullable Object timestamp) {
		String where = "topic " + topic + ", partition " + partition + ", offset " + offset;
		String id = string(headers.get(EVENT_ID));
		if (id == null || id.isBlank()) {
			throw new InvalidOutboxRecordException("The record at " + where + " has no eventId header, so it is not an "
					+ "outbox event or was not relayed with the outbox connector configuration.", null);
		}
		Map<String, String> others = new LinkedHashMap<>();
		headers.forEach((name, value) -> {
			String text = string(value);
			if (!FRAMEWORK_HEADERS.contains(name) && !name.startsWith(KafkaHeaders.PREFIX) && text != null) {
				others.put(name, text);
			}
		});
		String type = string(headers.get(EVENT_TYPE));
		Object upcast = upcast(type, EventSchemaVersions.parse(others.get(EventSchemaVersions.HEADER)), payload, id,
				where);
		return new ReceivedEvent<>(id, type, string(key), read(concrete(payloadType, type, id, where), upcast, id, where),
				others, String.valueOf(topic), (partition instanceof Number number) ? number.intValue() : -1,
				(offset instanceof Number number) ? number.longValue() : -1,
				(timestamp instanceof Number number) ? number.longValue() : -1);
	}

	// A payload of an older schema version goes through the application's upcasters first: as
	// JSON, with decimals read exactly. A payload already converted into a class is the
	// class's shape, not the version's, and is left alone.
	private @Nullable Object upcast(@Nullable String type, @Nullable Integer version, @Nullable Object payload,
			String id, String where) {
		if (type == null || version == null || !this.upcasters.appliesTo(type, version)) {
			return payload;
		}
		JsonNode tree;
		try {
			if (payload instanceof String json) {
				tree = this.treeReader.readValue(json);
			}
			else if (payload instanceof byte[] json) {
				tree = this.treeReader.readValue(json);
			}
			else if (payload instanceof JsonNode node) {
				tree = node.deepCopy();
			}
			else if (payload instanceof Map<?, ?> map) {
				tree = this.jsonMapper.valueToTree(map);
			}
			else {
				return payload;
			}
		}
		catch (JacksonException ex) {
			throw new InvalidOutboxRecordException("The payload of event " + id + " at " + where
					+ " cannot be read as JSON to upcast it from version " + version + ": " + ex.getMessage(), ex);
		}
		try {
			return this.upcasters.upcast(type, version, tree);
		}
		catch (RuntimeException ex) {
			throw new InvalidOutboxRecordException("Upcasting event " + id + " at " + where + " from version " + version
					+ " of event type " + type + " failed: " + ex, ex);
		}
	}

	private Object read(JavaType payloadType, @Nullable Object payload, String id, String where) {
		try {
			if (payload instanceof String json) {
				return this.jsonMapper.readValue(json, payloadType);
			}
			if (payload instanceof byte[] json) {
				return this.jsonMapper.readValue(json, payloadType);
			}
			if (payload != null && !(payload instanceof KafkaNull)) {
				return payloadType.getRawClass().isInstance(payload) ? payload
						: this.jsonMapper.convertValue(payload, payloadType);
			}
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new InvalidOutboxRecordException("The payload of event " + id + " at " + where + " cannot be read as "
					+ payloadType.toCanonical() + ": " + ex.getMessage(), ex);
		}
		throw new InvalidOutboxRecordException("Event " + id + " at " + where + " has no payload.", null);
	}

	private JavaType concrete(JavaType payloadType, @Nullable String eventType, String id, String where) {
		Class<?> declared = payloadType.getRawClass();
		if (!declared.isSealed()) {
			return payloadType;
		}
		SealedEventTypes events = SealedEventTypes.of(declared);
		Class<?> event = (eventType != null) ? events.forEventType(eventType) : null;
		if (event == null) {
			throw new InvalidOutboxRecordException("Event " + id + " at " + where + " has event type " + eventType
					+ ", which is none of the event types of " + declared.getName() + " " + events.eventTypes()
					+ ". Add a permitted subclass for it, or take the payload as a JsonNode.", null);
		}
		return this.jsonMapper.getTypeFactory().constructType(event);
	}

	private JavaType payloadType(ResolvableType receivedEventType) {
		ResolvableType payload = receivedEventType.getGeneric(0);
		return this.jsonMapper.getTypeFactory()
			.constructType((payload.resolve() != null) ? payload.getType() : Object.class);
	}

	private static List<?> list(MessageHeaders headers, String name, int size) {
		Object value = headers.get(name);
		if (value instanceof List<?> list && list.size() == size) {
			return list;
		}
		List<@Nullable Object> nulls = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			nulls.add(null);
		}
		return nulls;
	}

	private static @Nullable String string(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return (value != null) ? value.toString() : null;
	}

	private static boolean isReceivedEvent(ResolvableType type) {
		return type.resolve() == ReceivedEvent.class;
	}

	private static boolean isListOfReceivedEvents(ResolvableType type) {
		Class<?> resolved = type.resolve();
		return resolved != null && List.class.isAssignableFrom(resolved) && isReceivedEvent(type.getGeneric(0));
	}

}
