package io.github.outbox;

import java.util.Map;

import io.github.outbox.support.EventSchemaVersions;
import org.jspecify.annotations.Nullable;

/**
 * An outbox event as a consumer receives it from Kafka: its id, type and aggregate id, read
 * from the record's headers and key, and its payload deserialized from the record's JSON
 * value. A Kafka listener method takes it as a parameter (or a {@code List} of them in a
 * batch listener); with {@link Inbox @Inbox}, each event is processed once.
 *
 * @param id the event id ({@code eventId} header), the same on every delivery
 * @param type the event type ({@code eventType} header)
 * @param aggregateId the aggregate id (the record key)
 * @param payload the event
 * @param headers the record's other headers, as strings
 * @param topic the topic it was read from
 * @param partition the partition
 * @param offset the offset in the partition
 * @param timestamp the record's timestamp: when the event was written, in epoch milliseconds
 * @param <T> the type of the payload
 * @author Outbox contributors
 * @since 0.1.0
 */
public record ReceivedEvent<T>(String id, @Nullable String type, @Nullable String aggregateId, T payload,
		Map<String, String> headers, String topic, int partition, long offset, long timestamp) {

	/**
	 * Creates a new instance.
	 */
	public ReceivedEvent {
		headers = Map.copyOf(headers);
	}

	/**
	 * Returns the version of the event type's schema the event was written with
	 * ({@code eventSchemaVersion} header), as the producer's schema registry numbers it. The
	 * payload was read after the {@link OutboxEventUpcaster upcasters} from that version on.
	 * @return the version, or {@code null} for an event written without one (a producer
	 * without the registry, an event written before it)
	 */
	public @Nullable Integer schemaVersion() {
		return EventSchemaVersions.parse(this.headers.get(EventSchemaVersions.HEADER));
	}

}
