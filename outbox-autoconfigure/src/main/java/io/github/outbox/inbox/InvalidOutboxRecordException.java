package io.github.outbox.inbox;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.converter.MessageConversionException;

/**
 * Thrown for a record that cannot be an outbox event: no {@code eventId} header, or a value
 * that does not deserialize into the listener's payload type. A
 * {@link MessageConversionException}, which Spring Kafka's error handler does not retry: the
 * record goes to its recoverer at once (the dead-letter topic, when configured).
 */
class InvalidOutboxRecordException extends MessageConversionException {

	InvalidOutboxRecordException(String description, @Nullable Throwable cause) {
		super(description, cause);
	}

}
