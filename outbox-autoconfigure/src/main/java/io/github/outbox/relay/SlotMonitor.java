package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.outbox.relay.ReplicationSlot.SlotState;
import io.github.outbox.support.PeriodicTask;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * Watches the relay's replication slot from every instance, whether it relays or not: reads
 * {@code pg_replication_slots} at a fixed interval from start-up, so that it knows since when the
 * slot has had no reader and since when its reader has confirmed nothing while WAL piled up
 * behind it, before anyone asks. The health indicator and the metrics read what it saw last.
 */
final class SlotMonitor implements SmartLifecycle {

	private final ReplicationSlot slot;

	private final Clock clock;

	private final PeriodicTask schedule;

	private volatile @Nullable Sample last;

	SlotMonitor(ReplicationSlot slot, Duration interval, Clock clock) {
		this.slot = slot;
		this.clock = clock;
		this.schedule = new PeriodicTask("Watching replication slot '" + slot.name() + "'", "outbox-slot-monitor",
				interval, this::sample);
	}

	String slotName() {
		return this.slot.name();
	}

	/**
	 * Reads the slot's state now and records what it shows.
	 * @return what was seen
	 */
	Sample sample() {
		Instant now = this.clock.instant();
		Sample previous = this.last;
		Sample sample;
		try {
			SlotState state = this.slot.state();
			sample = (state != null) ? observed(state, previous, now) : new Sample(now, null, null, null, 0, null, null);
		}
		catch (DataAccessException ex) {
			Instant since = (previous != null && previous.unreachableSince() != null) ? previous.unreachableSince() : now;
			sample = new Sample(now, (previous != null) ? previous.state() : null, null, null, 0, since,
					ex.getMostSpecificCause().getMessage());
			this.last = sample;
			throw ex;
		}
		this.last = sample;
		return sample;
	}

	private static Sample observed(SlotState state, @Nullable Sample previous, Instant now) {
		Instant unreadSince = null;
		if (!state.active()) {
			// The server's own account when it gives one (PostgreSQL 17+), else since this
			// instance first saw it so.
			unreadSince = (state.inactiveSince() != null) ? state.inactiveSince()
					: (previous != null && previous.unreadSince() != null) ? previous.unreadSince() : now;
		}
		Instant confirmedSince = now;
		long currentThen = state.currentLsn();
		SlotState before = (previous != null) ? previous.state() : null;
		if (before != null && previous.confirmedSince() != null && before.confirmedLsn() == state.confirmedLsn()) {
			confirmedSince = previous.confirmedSince();
			currentThen = previous.currentWhenConfirmed();
		}
		return new Sample(now, state, unreadSince, confirmedSince, currentThen, null, null);
	}

	/**
	 * Returns what the monitor saw last, if it has looked yet.
	 * @return the last sample, or {@code null}
	 */
	@Nullable Sample last() {
		return this.last;
	}

	/**
	 * Returns what the monitor saw last, looking now if it has not yet.
	 * @return the last sample
	 */
	Sample lastOrNow() {
		Sample sample = this.last;
		if (sample != null) {
			return sample;
		}
		try {
			return sample();
		}
		catch (DataAccessException ex) {
			Sample failed = this.last;
			return (failed != null) ? failed
					: new Sample(this.clock.instant(), null, null, null, 0, this.clock.instant(), ex.getMessage());
		}
	}

	@Override
	public void start() {
		this.schedule.start();
	}

	@Override
	public void stop() {
		this.schedule.stop();
	}

	@Override
	public boolean isRunning() {
		return this.schedule.isRunning();
	}

	/**
	 * What the monitor saw when it looked.
	 *
	 * @param at when it looked
	 * @param state the slot's state, or {@code null} if it does not exist (or could not be read)
	 * @param unreadSince since when no connection reads the slot, if none does
	 * @param confirmedSince since when the slot's confirmed position has not moved
	 * @param currentWhenConfirmed the server's WAL position when it last moved
	 * @param unreachableSince since when the database cannot be reached, if it cannot
	 * @param unreachable why it cannot, if it cannot
	 */
	record Sample(Instant at, @Nullable SlotState state, @Nullable Instant unreadSince, @Nullable Instant confirmedSince,
			long currentWhenConfirmed, @Nullable Instant unreachableSince, @Nullable String unreachable) {

		/**
		 * Returns since when the slot's reader has confirmed nothing although WAL has been
		 * written since, if so. (With the shipped heartbeat, a reader that keeps up confirms
		 * something every heartbeat interval.)
		 * @return the start of the stall, or {@code null}
		 */
		@Nullable Instant stalledSince() {
			return (this.state != null && this.state.active() && this.state.currentLsn() > this.currentWhenConfirmed)
					? this.confirmedSince : null;
		}

	}

}
