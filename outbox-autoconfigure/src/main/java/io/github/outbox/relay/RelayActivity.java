package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the relay has delivered, across its engine runs: when it last delivered an event, each
 * delivery with its lag (from the event's commit to Kafka's acknowledgement) for the metrics,
 * when there are any, and how far into the slot every record is acknowledged.
 * <p>
 * That last one is what Debezium may have confirmed to the slot without the position table
 * recording it: it confirms the last record marked processed when it stops, even where its
 * offsets could not be written (PostgreSQL shutting down, for one). A slot found ahead of the
 * stored position, but not ahead of this, skipped nothing.
 */
final class RelayActivity {

	private final Clock clock;

	private volatile @Nullable Instant lastDelivery;

	// The slot position Debezium may confirm for the last record marked processed; -1 for none.
	private volatile long acknowledgedLsn = -1;

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
	 * Records that Kafka acknowledged every record up to one, and that it was marked processed.
	 * @param sourceOffset Debezium's offset of that record
	 */
	void acknowledgedThrough(@Nullable Map<String, ?> sourceOffset) {
		if (sourceOffset == null) {
			return;
		}
		// What Debezium confirms to the slot for an offset (PostgresStreamingChangeEventSource's
		// commitOffset): the last commit it saw, else the last change it processed.
		Object lsn = sourceOffset.get("lsn_commit");
		if (lsn == null) {
			lsn = sourceOffset.get("lsn_proc");
		}
		if (lsn instanceof Number number && number.longValue() > this.acknowledgedLsn) {
			this.acknowledgedLsn = number.longValue();
		}
	}

	/**
	 * Returns whether Kafka acknowledged, through this instance, every record up to a position
	 * of the slot.
	 * @param slotLsn the position, as the slot confirms it
	 * @return whether every record up to it is acknowledged
	 */
	boolean isAcknowledgedThrough(long slotLsn) {
		return this.acknowledgedLsn >= slotLsn;
	}

	/**
	 * Forgets what was acknowledged, when the slot is created again: its positions start anew.
	 */
	void forgetAcknowledged() {
		this.acknowledgedLsn = -1;
	}

	/**
	 * Told of each delivered event.
	 */
	@FunctionalInterface
	interface DeliveryListener {

		void delivered(@Nullable Duration lag);

	}

}
