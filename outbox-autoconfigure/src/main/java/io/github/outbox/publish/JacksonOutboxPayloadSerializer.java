package io.github.outbox.publish;

import io.github.outbox.OutboxPayloadSerializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serializes payloads with the application's Jackson {@link JsonMapper}, so that events are
 * written as the rest of the application writes JSON.
 */
final class JacksonOutboxPayloadSerializer implements OutboxPayloadSerializer {

	private final JsonMapper jsonMapper;

	JacksonOutboxPayloadSerializer(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public String serialize(Object payload) {
		return this.jsonMapper.writeValueAsString(payload);
	}

}
