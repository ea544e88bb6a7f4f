package io.github.outbox.soak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.outbox.soak.Fault.Injected;
import io.github.outbox.soak.Fault.Kind;
import io.github.outbox.soak.LoadGenerator.Outcome;
import io.github.outbox.soak.LoadGenerator.Step;
import io.github.outbox.soak.RecordLog.Seen;
import io.github.outbox.soak.SoakRun.Committed;
import io.github.outbox.soak.SoakRun.Observations;
import io.github.outbox.soak.Timeline.Sample;
import io.github.outbox.soak.topology.ServiceInstance.RelayState;
import org.apache.kafka.common.utils.Utils;

/**
 * Compares what the writers saw commit, what the databases hold and what reached Kafka and
 * the inboxes: nothing lost, nothing out of order per aggregate, nothing on the wrong topic,
 * key or partition, each event applied once; duplicates counted and attributed to the fault
 * before them; and each fault's health against the goals.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
final class Verifier {

	/** The standby's first delivery after the leader dies or freezes. */
	static final double TAKE_OVER_GOAL = 10;

	/** DOWN after Kafka stops acknowledging or the slot loses its reader, for good. */
	static final double DOWN_GOAL = 60;

	/**
	 * A fast restart of PostgreSQL, shutdown and start, with the relays connected: a fast
	 * shutdown waits for the walsenders, so a relay that holds on to its replication connection
	 * holds the restart up.
	 */
	static final double FAST_RESTART_GOAL = 15;

	/** Every service relaying and UP again after a fault is lifted. */
	static final double RECOVERY_GOAL = 60;

	// A fault lasting longer than this (the relay's grace period and a margin) must show as DOWN.
	private static final long MUST_SHOW_DOWN_MILLIS = 25_000;

	private static final int PARTITIONS = io.github.outbox.soak.topology.KafkaBroker.PARTITIONS;

	private final SoakSettings settings;

	private final Observations seen;

	private final List<String> violations = new ArrayList<>();

	private long atomicityViolations;

	// Each order's business row: the sequence number its events must reach.
	private final Map<String, Long> rowSeq = new HashMap<>();

	Verifier(SoakSettings settings, Observations seen) {
		this.settings = settings;
		this.seen = seen;
		seen.orders().values().forEach(this.rowSeq::putAll);
	}

	Verdict verify() {
		Map<String, Committed> truth = new HashMap<>();
		Map<String, String> serviceOf = new HashMap<>();
		this.seen.committed().forEach((service, events) -> events.forEach((event) -> {
			truth.put(event.id(), event);
			serviceOf.put(event.id(), service);
		}));
		// Each offset once: the independent consumer reads some again after its own restarts.
		Map<String, Seen> byOffset = new LinkedHashMap<>();
		for (Seen record : this.seen.records()) {
			byOffset.putIfAbsent(record.topic() + "/" + record.partition() + "/" + record.offset(), record);
		}
		List<Seen> records = new ArrayList<>(byOffset.values());
		records.sort(Comparator.comparing(Seen::topic).thenComparingInt(Seen::partition).thenComparingLong(Seen::offset));

		Set<String> delivered = new HashSet<>();
		List<Seen> duplicates = new ArrayList<>();
		long misrouted = 0;
		long orderViolations = 0;
		Map<String, Long> lastSeq = new HashMap<>();
		Map<String, Integer> partitionOf = new HashMap<>();
		for (Seen record : records) {
			Committed event = truth.get(record.eventId());
			if (event == null) {
				violate("record %s/%d@%d has event id %s, which no database holds", record.topic(), record.partition(),
						record.offset(), record.eventId());
				continue;
			}
			String expectedTopic = "outbox.event." + serviceOf.get(event.id());
			Integer partition = partitionOf.putIfAbsent(record.key(), record.partition());
			if (!expectedTopic.equals(record.topic()) || !event.aggregateId().equals(record.key())
					|| (partition != null && partition != record.partition())
					|| record.partition() != Utils.toPositive(Utils.murmur2(record.key().getBytes())) % PARTITIONS
					|| record.seq() != event.seq() || !event.type().equals(record.eventType())) {
				misrouted++;
				violate("event %s (aggregate %s, %s, sequence %d) arrived on %s/%d@%d with key %s as %s, sequence %d",
						event.id(), event.aggregateId(), event.type(), event.seq(), record.topic(), record.partition(),
						record.offset(), record.key(), record.eventType(), record.seq());
			}
			if (!delivered.add(event.id())) {
				duplicates.add(record);
				continue;
			}
			Long previous = lastSeq.put(event.aggregateId(), event.seq());
			if (previous != null && previous >= event.seq()) {
				orderViolations++;
				violate("event %s of aggregate %s (sequence %d) arrived at %s/%d@%d after its sequence %d",
						event.id(), event.aggregateId(), event.seq(), record.topic(), record.partition(), record.offset(),
						previous);
			}
		}
		long lost = 0;
		for (Committed event : truth.values()) {
			if (!delivered.contains(event.id())) {
				lost++;
				if (lost <= 20) {
					violate("event %s (aggregate %s, %s, sequence %d, written at %d) never reached Kafka", event.id(),
							event.aggregateId(), event.type(), event.seq(), event.createdAt());
				}
			}
		}
		long acknowledgedNotCommitted = acknowledgedNotCommitted();
		long[] ambiguous = ambiguous();
		long[] applied = applied(serviceOf);
		List<Verdict.FaultResult> faults = faults(duplicates);
		long acknowledged = this.seen.steps().stream().filter((step) -> step.outcome() == Outcome.COMMITTED).count();
		return new Verdict(truth.size(), acknowledged, ambiguous, delivered.size(), records.size(), lost,
				acknowledgedNotCommitted, this.atomicityViolations, duplicates.size(), orderViolations, misrouted, applied[0], applied[1], faults,
				List.copyOf(this.violations));
	}

	// Every business row has exactly its events (sequence 1 to the row's), every event its
	// business row, and every step the writers saw commit is in its database.
	private long acknowledgedNotCommitted() {
		Map<String, Long> rowSeq = this.rowSeq;
		Map<String, Set<Long>> eventSeqs = new HashMap<>();
		this.seen.committed().values().forEach((events) -> events
			.forEach((event) -> eventSeqs.computeIfAbsent(event.aggregateId(), (key) -> new HashSet<>()).add(event.seq())));
		for (Map.Entry<String, Set<Long>> aggregate : eventSeqs.entrySet()) {
			Long seq = rowSeq.get(aggregate.getKey());
			Set<Long> seqs = aggregate.getValue();
			boolean exact = seq != null && seqs.size() == seq && seqs.stream().allMatch((n) -> n >= 1 && n <= seq);
			if (!exact) {
				this.atomicityViolations++;
				violate("aggregate %s: business row at sequence %s but the outbox holds sequences %s", aggregate.getKey(),
						seq, new java.util.TreeSet<>(seqs));
			}
		}
		for (Map.Entry<String, Long> row : rowSeq.entrySet()) {
			if (!eventSeqs.containsKey(row.getKey())) {
				this.atomicityViolations++;
				violate("aggregate %s: business row at sequence %d without any event", row.getKey(), row.getValue());
			}
		}
		long missing = 0;
		for (Step step : this.seen.steps()) {
			if (step.outcome() == Outcome.COMMITTED && rowSeq.getOrDefault(step.aggregateId(), 0L) < step.seq()) {
				missing++;
				violate("%s of %s at %d was answered as committed (sequence %d) but its database does not hold it",
						step.step(), step.aggregateId(), step.at(), step.seq());
			}
		}
		return missing;
	}

	// Ambiguous steps, and how many of them committed (their aggregate holds more events than
	// the steps answered as committed account for).
	private long[] ambiguous() {
		Map<String, Long> acknowledgedSeq = new HashMap<>();
		List<Step> ambiguous = new ArrayList<>();
		for (Step step : this.seen.steps()) {
			if (step.outcome() == Outcome.COMMITTED) {
				acknowledgedSeq.merge(step.aggregateId(), step.seq(), Math::max);
			}
			else if (step.outcome() == Outcome.AMBIGUOUS) {
				ambiguous.add(step);
			}
		}
		long committed = ambiguous.stream()
			.filter((step) -> this.rowSeq.getOrDefault(step.aggregateId(), 0L) > acknowledgedSeq
				.getOrDefault(step.aggregateId(), 0L))
			.count();
		return new long[] { ambiguous.size(), committed };
	}

	private long[] applied(Map<String, String> serviceOf) {
		long twice = 0;
		long never = 0;
		for (Map.Entry<String, String> event : serviceOf.entrySet()) {
			Integer applications = this.seen.applied().get(event.getValue()).get(event.getKey());
			if (applications == null) {
				never++;
				if (never <= 20) {
					violate("event %s was never applied by %s's inbox consumer", event.getKey(), event.getValue());
				}
			}
			else if (applications > 1) {
				twice++;
				violate("event %s was applied %d times by %s's inbox consumer", event.getKey(), applications,
						event.getValue());
			}
		}
		return new long[] { twice, never };
	}

	private List<Verdict.FaultResult> faults(List<Seen> duplicates) {
		List<Injected> injected = this.seen.faults();
		List<Verdict.FaultResult> results = new ArrayList<>();
		long unattributed = duplicates.stream()
			.filter((record) -> injected.isEmpty() || record.receivedAt() < injected.get(0).startedAt())
			.count();
		if (unattributed > 0) {
			violate("%d duplicates arrived before any fault", unattributed);
		}
		for (int i = 0; i < injected.size(); i++) {
			Injected fault = injected.get(i);
			long until = (i + 1 < injected.size()) ? injected.get(i + 1).startedAt() : Long.MAX_VALUE;
			long count = duplicates.stream()
				.filter((record) -> record.receivedAt() >= fault.startedAt() && record.receivedAt() < until)
				.count();
			Map<String, Boolean> goals = new LinkedHashMap<>();
			double firstDelivery = -1;
			Kind kind = fault.fault().kind();
			if (kind == Kind.KILL_LEADER || kind == Kind.FREEZE_LEADER || kind == Kind.GRACEFUL_RESTART) {
				firstDelivery = firstDeliveryAfter(fault);
				if (kind != Kind.GRACEFUL_RESTART && fault.fault().service().equals(SoakSettings.ORDERS)) {
					goals.put("standby's first delivery <= " + (int) TAKE_OVER_GOAL + " s",
							firstDelivery >= 0 && firstDelivery <= TAKE_OVER_GOAL);
				}
			}
			double down = downAfter(fault, until);
			if ((kind == Kind.KAFKA_STOP || kind == Kind.KAFKA_CUT)
					&& fault.endedAt() - fault.startedAt() >= MUST_SHOW_DOWN_MILLIS) {
				goals.put("DOWN <= " + (int) DOWN_GOAL + " s after Kafka stopped acknowledging",
						down >= 0 && down <= DOWN_GOAL);
			}
			if (kind == Kind.POSTGRES_FAST_RESTART) {
				double took = (fault.endedAt() - fault.startedAt()) / 1000.0;
				goals.put("fast restart <= " + (int) FAST_RESTART_GOAL + " s with the relays connected",
						took <= FAST_RESTART_GOAL);
			}
			double up = upAgainAfter(fault, until);
			goals.put("every service relaying and UP <= " + (int) RECOVERY_GOAL + " s after the fault ended",
					up >= 0 && up <= RECOVERY_GOAL);
			goals.forEach((goal, met) -> {
				if (!met) {
					violate("%s on %s at %d: goal missed: %s", fault.fault().label(), fault.target(), fault.startedAt(), goal);
				}
			});
			results.add(new Verdict.FaultResult(fault, count, firstDelivery, down, up, goals));
		}
		return results;
	}

	// The first delivery of an event of the service written after the fault: only a relay
	// that took over (or the restarted one) can have sent it.
	private double firstDeliveryAfter(Injected fault) {
		String topic = "outbox.event." + fault.fault().service();
		java.util.OptionalLong first = this.seen.records()
			.stream()
			.filter((record) -> record.topic().equals(topic) && record.timestamp() >= fault.startedAt())
			.mapToLong(Seen::receivedAt)
			.min();
		return first.isPresent() ? (first.getAsLong() - fault.startedAt()) / 1000.0 : -1;
	}

	// DOWN while the fault lasted, or within half a minute of its end (not during a later recovery).
	private double downAfter(Injected fault, long until) {
		long end = Math.min(until, fault.endedAt() + 30_000);
		for (Sample sample : this.seen.samples()) {
			if (sample.at() >= fault.startedAt() && sample.at() < end) {
				for (RelayState state : sample.health().values()) {
					if (state != null && "DOWN".equals(state.status())) {
						return (sample.at() - fault.startedAt()) / 1000.0;
					}
				}
			}
		}
		return -1;
	}

	private double upAgainAfter(Injected fault, long until) {
		for (Sample sample : this.seen.samples()) {
			if (sample.at() >= fault.endedAt() && sample.at() < until && allRelaying(sample)) {
				return Math.max(0, (sample.at() - fault.endedAt()) / 1000.0);
			}
		}
		return -1;
	}

	// Each service has an instance that relays, and no answering instance reports DOWN.
	private static boolean allRelaying(Sample sample) {
		Map<String, Boolean> relaying = new HashMap<>();
		for (Map.Entry<String, RelayState> entry : sample.health().entrySet()) {
			String service = entry.getKey().substring(0, entry.getKey().lastIndexOf('-'));
			RelayState state = entry.getValue();
			if (state != null && "DOWN".equals(state.status())) {
				return false;
			}
			relaying.merge(service, state != null && state.relaying() && "UP".equals(state.status()), Boolean::logicalOr);
		}
		return !relaying.containsValue(false);
	}

	private void violate(String format, Object... args) {
		if (this.violations.size() < 200) {
			this.violations.add(String.format(format, args));
		}
	}

}
