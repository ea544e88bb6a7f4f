package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.outbox.relay.OutboxRelay.State;
import io.github.outbox.relay.ReplicationSlotMonitor.SlotState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.unit.DataSize;

/**
 * The relay's health, as this instance sees it: its own relay, and the replication slot every
 * instance shares, whose WAL fills the database's disk when nothing reads it.
 * <p>
 * DOWN when the relay is stopped here, when it has been failing or the slot unread for longer
 * than the grace period, when the slot is missing or PostgreSQL is giving up its WAL, or when
 * the slot keeps more WAL than the down threshold. Otherwise UP, with a warning past the
 * warning threshold. See docs/operations.md for what to do in each case.
 */
final class OutboxRelayHealthIndicator extends AbstractHealthIndicator {

	private final OutboxRelay relay;

	private final ReplicationSlotMonitor slot;

	private final RelayActivity activity;

	private final OutboxRelayProperties.Health thresholds;

	private final Clock clock;

	private volatile @Nullable Instant inactiveSince;

	OutboxRelayHealthIndicator(OutboxRelay relay, ReplicationSlotMonitor slot, RelayActivity activity,
			OutboxRelayProperties.Health thresholds, Clock clock) {
		super("Outbox relay health check failed");
		this.relay = relay;
		this.slot = slot;
		this.activity = activity;
		this.thresholds = thresholds;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Instant now = this.clock.instant();
		State state = this.relay.state();
		builder.withDetail("relay", state.name().toLowerCase().replace('_', ' '));
		builder.withDetail("slot", this.slot.slotName());
		Instant lastDelivery = this.activity.lastDelivery();
		if (lastDelivery != null) {
			builder.withDetail("lastDelivery", lastDelivery.toString());
		}
		SlotState slotState = this.slot.read();
		String problem = problem(state, slotState, now);
		if (slotState != null) {
			builder.withDetail("slotActive", slotState.active())
				.withDetail("walStatus", String.valueOf(slotState.walStatus()))
				.withDetail("retainedWal", DataSize.ofBytes(slotState.retainedWalBytes()).toMegabytes() + "MB")
				.withDetail("retainedWalBytes", slotState.retainedWalBytes());
			if (problem == null && slotState.retainedWalBytes() >= this.thresholds.getRetainedWalWarning().toBytes()) {
				builder.withDetail("warning", "the slot keeps more WAL than " + this.thresholds.getRetainedWalWarning()
						+ ": the relay is behind or stopped");
			}
		}
		if (problem != null) {
			builder.down().withDetail("problem", problem);
		}
		else {
			builder.up();
		}
	}

	private @Nullable String problem(State state, @Nullable SlotState slotState, Instant now) {
		Duration grace = this.thresholds.getGracePeriod();
		if (state == State.STOPPED) {
			return "the relay is stopped in this instance";
		}
		Instant failingSince = this.relay.failingSince();
		if (state == State.FAILING && failingSince != null && failingSince.plus(grace).isBefore(now)) {
			return "the relay has been failing since " + failingSince;
		}
		if (slotState == null) {
			return "replication slot '" + this.slot.slotName() + "' does not exist: events written now reach no relay";
		}
		if (slotState.walLostOrAboutToBe()) {
			return "PostgreSQL is removing WAL the slot still needs (wal_status " + slotState.walStatus()
					+ "): events may be lost; see the runbook";
		}
		if (slotState.retainedWalBytes() >= this.thresholds.getRetainedWalDown().toBytes()) {
			return "the slot keeps more WAL than " + this.thresholds.getRetainedWalDown();
		}
		if (slotState.active()) {
			this.inactiveSince = null;
			return null;
		}
		Instant since = this.inactiveSince;
		if (since == null) {
			this.inactiveSince = now;
			return null;
		}
		return (since.plus(grace).isBefore(now)) ? "no relay has read the slot since " + since : null;
	}

}
