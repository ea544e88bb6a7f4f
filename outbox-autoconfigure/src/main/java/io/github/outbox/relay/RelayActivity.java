package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the relay has delivered, across its engine runs: when it last delivered an event, and
 * each delivery with its lag (from the event's commit to Kafka's acknowledgement) for the
 * metrics, when there are any.
 */
final class RelayActivity {

	private final Clock clock;

	private volatile @Nullable Instant lastDelivery;

	private volatile DeliveryListener listener = (lag) -> {
	};

	RelayActivity(Clock clock) {
		this.clock = clock;
	}

	void listen(DeliveryListener listener) {
		this.listener = listener;
	}

	/**
	 * Records events Kafka acknowledged together.
	 * @param createdAt when each event was written, in epoch milliseconds, if known
	 */
	void delivered(List<@Nullable Long> createdAt) {
		if (createdAt.isEmpty()) {
			return;
		}
		Instant now = this.clock.instant();
		this.lastDelivery = now;
		DeliveryListener listener = this.listener;
		for (Long written : createdAt) {
			listener.delivered((written != null) ? Duration.ofMillis(Math.max(0, now.toEpochMilli() - written)) : null);
		}
	}

	@Nullable Instant lastDelivery() {
		return this.lastDelivery;
	}

	/**
	 * Told of each delivered event.
	 */
	@FunctionalInterface
	interface DeliveryListener {

		void delivered(@Nullable Duration lag);

	}

}
