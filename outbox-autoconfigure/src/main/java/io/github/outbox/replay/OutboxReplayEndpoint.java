package io.github.outbox.replay;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code outboxreplay}: {@code POST /actuator/outboxreplay} with
 * {@code {"from": "2026-11-23T10:00:00Z", "to": "2026-11-23T11:00:00Z"}} and optionally
 * {@code "aggregateType"} asks the relay to replay the events written in that range. Not
 * exposed unless listed in {@code management.endpoints.web.exposure.include}.
 *
 * @author Outbox contributors
 * @since 0.1.0
 * @see OutboxReplay
 */
@Endpoint(id = "outboxreplay")
public class OutboxReplayEndpoint {

	private final OutboxReplay replay;

	/**
	 * Creates a new instance.
	 * @param replay what asks the relay for replays
	 */
	public OutboxReplayEndpoint(OutboxReplay replay) {
		this.replay = replay;
	}

	/**
	 * Asks the relay to replay the events written from {@code from} (inclusive) to {@code to}
	 * (exclusive).
	 * @param from the start of the range, an ISO-8601 instant
	 * @param to the end of the range, an ISO-8601 instant
	 * @param aggregateType the aggregate type to replay, or {@code null} for all
	 * @return the request, with its signal id and the number of events in the range
	 */
	@WriteOperation
	public ReplayRequest replay(Instant from, Instant to, @Nullable String aggregateType) {
		return this.replay.replay(from, to, aggregateType);
	}

}
