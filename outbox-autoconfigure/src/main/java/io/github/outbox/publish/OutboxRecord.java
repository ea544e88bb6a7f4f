package io.github.outbox.publish;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One row of the outbox table, ready to be inserted.
 *
 * @param id the event id
 * @param aggregateType the aggregate type
 * @param aggregateId the aggregate id
 * @param type the event type
 * @param payload the event as JSON
 * @param headers the additional headers as a JSON object, or {@code null} for none
 * @param eventClass the class of the event, for error messages
 */
record OutboxRecord(UUID id, String aggregateType, String aggregateId, String type, String payload,
		@Nullable String headers, Class<?> eventClass) {

}
