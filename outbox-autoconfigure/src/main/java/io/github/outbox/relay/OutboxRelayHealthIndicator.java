package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.outbox.relay.OutboxRelay.Failure;
import io.github.outbox.relay.OutboxRelay.State;
import io.github.outbox.relay.ReplicationSlot.SlotState;
import io.github.outbox.relay.SlotMonitor.Sample;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.unit.DataSize;

/**
 * The relay's health, as this instance sees it: its own relay, if it runs one, and the
 * replication slot every instance shares, whose WAL fills the database's disk when nothing
 * reads it. Built from what the relay and the {@link SlotMonitor} already know: a probe queries
 * nothing.
 * <p>
 * DOWN at once when the relay is stopped here, needs an operator (a missing publication, a
 * foreign position, a user without REPLICATION), the slot is missing, PostgreSQL is giving up
 * its WAL, the slot keeps more WAL than the down threshold, or the database cannot be reached;
 * DOWN once the grace period has passed when the relay keeps failing, Kafka does not
 * acknowledge, the slot has no reader, or its reader confirms nothing while WAL piles up.
 * Otherwise UP, with a warning past the warning threshold. See docs/operations.md for what to do
 * in each case.
 */
final class OutboxRelayHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable OutboxRelay relay;

	private final @Nullable KafkaAvailability kafka;

	private final @Nullable RelayActivity activity;

	private final SlotMonitor slot;

	private final OutboxRelayProperties.Health thresholds;

	private final Clock clock;

	/**
	 * Creates an indicator.
	 * @param relay this instance's relay, or {@code null} if it runs none and only watches the slot
	 * @param kafka what the relay knows of Kafka, with the relay
	 * @param activity what the relay delivered, with the relay
	 * @param slot the slot's monitor
	 * @param thresholds when to report a problem
	 * @param clock the clock
	 */
	OutboxRelayHealthIndicator(@Nullable OutboxRelay relay, @Nullable KafkaAvailability kafka,
			@Nullable RelayActivity activity, SlotMonitor slot, OutboxRelayProperties.Health thresholds, Clock clock) {
		super("Outbox relay health check failed");
		this.relay = relay;
		this.kafka = kafka;
		this.activity = activity;
		this.slot = slot;
		this.thresholds = thresholds;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Instant now = this.clock.instant();
		Sample sample = this.slot.lastOrNow();
		builder.withDetail("relay", (this.relay != null) ? this.relay.state().name().toLowerCase().replace('_', ' ')
				: "not in this instance");
		builder.withDetail("slot", this.slot.slotName());
		Instant lastDelivery = (this.activity != null) ? this.activity.lastDelivery() : null;
		if (lastDelivery != null) {
			builder.withDetail("lastDelivery", lastDelivery.toString());
		}
		Instant kafkaUnavailable = kafkaUnavailableSince();
		if (kafkaUnavailable != null) {
			builder.withDetail("kafkaUnavailableSince", kafkaUnavailable.toString());
		}
		SlotState state = sample.state();
		if (state != null) {
			builder.withDetail("slotActive", state.active())
				.withDetail("walStatus", String.valueOf(state.walStatus()))
				.withDetail("retainedWal", DataSize.ofBytes(state.retainedWalBytes()).toMegabytes() + "MB")
				.withDetail("retainedWalBytes", state.retainedWalBytes());
		}
		Problem problem = problem(sample, now);
		if (problem != null) {
			builder.down().withDetail("problem", problem.description());
			if (problem.action() != null) {
				builder.withDetail("action", problem.action());
			}
			return;
		}
		if (state != null && state.retainedWalBytes() >= this.thresholds.getRetainedWalWarning().toBytes()) {
			builder.withDetail("warning", "the slot keeps more WAL than " + this.thresholds.getRetainedWalWarning()
					+ ": the relay is behind or stopped");
		}
		builder.up();
	}

	private @Nullable Problem problem(Sample sample, Instant now) {
		Problem relay = relayProblem(now);
		if (relay != null) {
			return relay;
		}
		if (sample.unreachableSince() != null) {
			return new Problem("the database cannot be reached (since " + sample.unreachableSince() + "): "
					+ sample.unreachable(), null);
		}
		SlotState state = sample.state();
		if (state == null) {
			return new Problem("replication slot '" + this.slot.slotName() + "' does not exist: events written now reach "
					+ "no relay", null);
		}
		if (state.walLostOrAboutToBe()) {
			return new Problem("PostgreSQL is removing WAL the slot still needs (wal_status " + state.walStatus()
					+ "): events may be lost; see the runbook", null);
		}
		if (state.retainedWalBytes() >= this.thresholds.getRetainedWalDown().toBytes()) {
			return new Problem("the slot keeps more WAL than " + this.thresholds.getRetainedWalDown(), null);
		}
		if (beyondGrace(sample.unreadSince(), now)) {
			return new Problem("no relay has read the slot since " + sample.unreadSince(), null);
		}
		if (beyondGrace(sample.stalledSince(), now)) {
			return new Problem("the slot's reader has confirmed nothing since " + sample.stalledSince()
					+ " while WAL was written: the relaying instance is stuck, frozen or waiting for Kafka", null);
		}
		return null;
	}

	private @Nullable Problem relayProblem(Instant now) {
		if (this.relay == null) {
			return null;
		}
		State state = this.relay.state();
		if (state == State.STOPPED) {
			return new Problem("the relay is stopped in this instance", null);
		}
		Failure failure = this.relay.failure();
		if (failure != null && (failure.needsOperator() || beyondGrace(failure.since(), now))) {
			return new Problem(failure.description() + " (since " + failure.since() + ")", failure.action());
		}
		Instant unavailable = kafkaUnavailableSince();
		if (beyondGrace(unavailable, now)) {
			return new Problem("Kafka at " + this.kafka.bootstrapServers() + " has not acknowledged the relay's records "
					+ "since " + unavailable, null);
		}
		return null;
	}

	// Only a relaying instance sends: what a stopped or standing-by one last saw is stale.
	private @Nullable Instant kafkaUnavailableSince() {
		boolean relaying = this.relay != null && this.relay.state() == State.RELAYING;
		return (relaying && this.kafka != null) ? this.kafka.unavailableSince() : null;
	}

	private boolean beyondGrace(@Nullable Instant since, Instant now) {
		Duration grace = this.thresholds.getGracePeriod();
		return since != null && since.plus(grace).isBefore(now);
	}

	private record Problem(String description, @Nullable String action) {

	}

}
