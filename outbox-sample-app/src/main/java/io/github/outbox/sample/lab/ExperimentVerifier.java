package io.github.outbox.sample.lab;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import io.github.outbox.sample.lab.FailureLab.Experiment;
import io.github.outbox.sample.lab.LabVerdict.Counts;
import io.github.outbox.sample.lab.RecordLog.Seen;
import io.github.outbox.schema.OutboxTable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.unit.DataSize;

/**
 * Compares, for the events of an experiment, what the outbox table holds (the truth: what
 * committed), what the record log read from Kafka and what the audit log applied: lost,
 * duplicated, applied twice, out of order per order; and says for each fault whether it was
 * absorbed or broke something. An event not delivered yet is in flight until 30 s after every
 * fault ended; then it is lost.
 */
final class ExperimentVerifier {

	static final long LATE_MILLIS = 30_000;

	private static final long SETTLED_MILLIS = 5_000;

	private static final String DOCS = "https://github.com/outbox/outbox/blob/main/";

	private final JdbcTemplate jdbc;

	private final OutboxTable table;

	ExperimentVerifier(JdbcTemplate jdbc, OutboxTable table) {
		this.jdbc = jdbc;
		this.table = table;
	}

	LabVerdict verify(Experiment experiment, double skippedNow, long failuresNow, boolean inboxOn) {
		long now = System.currentTimeMillis();
		LocalDateTime since = LocalDateTime.ofInstant(Instant.ofEpochMilli(experiment.startedAt), ZoneOffset.UTC);
		// A stopped experiment is judged on what its workload wrote before it stopped.
		long stoppedAt = experiment.stoppedAt;
		LocalDateTime until = (stoppedAt > 0)
				? LocalDateTime.ofInstant(Instant.ofEpochMilli(stoppedAt), ZoneOffset.UTC) : LocalDateTime.MAX;
		// The truth, in the order each order's events were written (time-ordered ids).
		Map<String, Committed> truth = new LinkedHashMap<>();
		Map<String, Integer> rank = new HashMap<>();
		this.jdbc.query("SELECT id::text, aggregateid, created_at FROM " + this.table.qualifiedName()
				+ " WHERE aggregatetype = 'order' AND created_at >= ? AND created_at < ? ORDER BY id", (row) -> {
					Committed event = new Committed(row.getString(1), row.getString(2),
							row.getTimestamp(3).toLocalDateTime().toInstant(ZoneOffset.UTC).toEpochMilli());
					truth.put(event.id(), event);
					rank.put(event.id(), rank.size());
				}, since, until);
		List<Problem> problems = new ArrayList<>();

		Set<String> delivered = new HashSet<>();
		Map<String, Integer> lastDelivered = new HashMap<>();
		long duplicates = 0;
		long misrouted = 0;
		long outOfOrder = 0;
		List<Seen> duplicateRecords = new ArrayList<>();
		List<Seen> firsts = new ArrayList<>();
		for (Seen record : experiment.records.seen()) {
			Committed event = (record.eventId() != null) ? truth.get(record.eventId()) : null;
			if (event == null) {
				continue;
			}
			if (!event.orderId().equals(record.key())) {
				misrouted++;
				problems.add(new Problem(record.receivedAt(), "misrouted"));
			}
			if (!delivered.add(event.id())) {
				duplicates++;
				duplicateRecords.add(record);
				continue;
			}
			firsts.add(record);
			Integer previous = lastDelivered.put(event.orderId(), rank.get(event.id()));
			if (previous != null && previous > rank.get(event.id())) {
				outOfOrder++;
				problems.add(new Problem(record.receivedAt(), "out of order"));
			}
		}

		List<Applied> entries = this.jdbc.query(
				"SELECT event_id::text, logged_at FROM audit_log WHERE logged_at >= ? ORDER BY position",
				(row, number) -> new Applied(row.getString(1), row.getTimestamp(2).getTime()),
				Timestamp.from(Instant.ofEpochMilli(experiment.startedAt)));
		Map<String, Integer> applications = new HashMap<>();
		Map<String, Integer> lastApplied = new HashMap<>();
		long appliedTwice = 0;
		long appliedOutOfOrder = 0;
		for (Applied entry : entries) {
			Committed event = truth.get(entry.eventId());
			if (event == null) {
				continue;
			}
			int times = applications.merge(entry.eventId(), 1, Integer::sum);
			if (times == 2) {
				appliedTwice++;
				problems.add(new Problem(entry.at(), "applied twice"));
			}
			else if (times == 1) {
				Integer previous = lastApplied.put(event.orderId(), rank.get(entry.eventId()));
				if (previous != null && previous > rank.get(entry.eventId())) {
					appliedOutOfOrder++;
					problems.add(new Problem(entry.at(), "applied out of order"));
				}
			}
		}

		boolean faultActive = experiment.faults.stream().anyMatch(FaultRun::active);
		long quietSince = experiment.faults.stream()
			.mapToLong((run) -> run.active() ? now : run.endedAt())
			.max()
			.orElse(experiment.startedAt);
		long lost = 0;
		long inFlight = 0;
		long inFlightLong = 0;
		for (Committed event : truth.values()) {
			if (!delivered.contains(event.id())) {
				boolean late = !faultActive && now - Math.max(event.createdAt(), quietSince) > LATE_MILLIS;
				if (late) {
					lost++;
					problems.add(new Problem(event.createdAt(), "lost"));
				}
				else {
					inFlight++;
					if (now - event.createdAt() > SETTLED_MILLIS) {
						inFlightLong++;
					}
				}
			}
		}
		long notApplied = 0;
		for (Seen record : firsts) {
			boolean late = !faultActive && now - Math.max(record.receivedAt(), quietSince) > LATE_MILLIS;
			if (late && !applications.containsKey(record.eventId())) {
				notApplied++;
				problems.add(new Problem(record.receivedAt(), "delivered but never applied"));
			}
		}
		Counts counts = new Counts(truth.size(), delivered.size(), applications.size(), inFlight, lost, duplicates,
				Math.round(skippedNow - experiment.skippedAtStart), appliedTwice, notApplied,
				outOfOrder + appliedOutOfOrder, misrouted);
		Deliveries deliveries = new Deliveries(truth, firsts, duplicateRecords);
		List<LabVerdict.Fault> faults = faults(experiment, problems, deliveries, skippedNow, failuresNow, inboxOn,
				inFlightLong);
		boolean broken = !problems.isEmpty();
		// The workload keeps writing: a few events are always on their way.
		boolean settled = !faultActive && inFlightLong == 0;
		String headline = broken
				? "Broken: " + lost + " lost, " + appliedTwice + " applied twice, " + notApplied + " never applied, "
						+ counts.outOfOrder() + " out of order, " + misrouted + " misrouted"
				: settled ? "Nothing lost, nothing applied twice, order held: " + truth.size()
						+ " events committed, delivered and applied once"
						: "Running: " + inFlightLong + " events on their way for more than 5 s, nothing lost so far";
		return new LabVerdict(true, !broken && settled, headline, counts, faults);
	}

	private List<LabVerdict.Fault> faults(Experiment experiment, List<Problem> problems, Deliveries deliveries,
			double skippedNow, long failuresNow, boolean inboxOn, long delayed) {
		List<LabVerdict.Fault> results = new ArrayList<>();
		List<FaultRun> runs = experiment.faults;
		for (int i = 0; i < runs.size(); i++) {
			FaultRun run = runs.get(i);
			long from = run.startedAt;
			long until = (i + 1 < runs.size()) ? runs.get(i + 1).startedAt : Long.MAX_VALUE;
			Map<String, Long> broke = new LinkedHashMap<>();
			problems.stream()
				.filter((problem) -> problem.at() >= from && problem.at() < until)
				.forEach((problem) -> broke.merge(problem.what(), 1L, Long::sum));
			long sentAgain = deliveries.duplicates()
				.stream()
				.filter((record) -> record.receivedAt() >= from && record.receivedAt() < until)
				.count();
			FaultRun next = (i + 1 < runs.size()) ? runs.get(i + 1) : null;
			long skipped = Math.round(((next != null) ? next.skippedAtStart : skippedNow) - run.skippedAtStart);
			long failed = ((next != null) ? next.failuresAtStart : failuresNow) - run.failuresAtStart;
			// From the fault's end: the engine that is being hit may still deliver what it had.
			double firstDelivery = run.active() ? -1 : deliveries.firstAfter(run.endedAt());
			String outcome;
			String explanation;
			if (!broke.isEmpty()) {
				outcome = "broke";
				List<String> parts = new ArrayList<>();
				broke.forEach((what, count) -> parts.add(count + " " + what));
				explanation = String.join(", ", parts) + "."
						+ (!inboxOn && broke.containsKey("applied twice")
								? " The audit log's inbox is switched off: nothing recognised the events Kafka delivered again."
								: "");
			}
			else if (run.active() || firstDelivery < 0 || (until == Long.MAX_VALUE && delayed > 0)) {
				outcome = "running";
				explanation = run.fault.description;
			}
			else {
				outcome = "absorbed";
				StringBuilder text = new StringBuilder(run.fault.absorbed.formatted(size(run.maxRetainedWal())));
				text.append(" The first event written after it ended reached Kafka ")
					.append(String.format("%.1f", firstDelivery))
					.append(" s later; ");
				text.append(sentAgain).append(" record(s) arrived twice on Kafka and the inbox skipped ").append(skipped);
				if (failed > 0) {
					text.append("; the audit log failed ").append(failed).append(" deliveries, each retried");
				}
				explanation = text.append('.').toString();
			}
			results.add(new LabVerdict.Fault(run.fault.id, run.label(), run.startedAt, outcome, explanation,
					DOCS + run.fault.docs));
		}
		return results;
	}

	private static String size(double bytes) {
		DataSize size = DataSize.ofBytes((long) bytes);
		return (size.toMegabytes() >= 1) ? size.toMegabytes() + " MB" : size.toKilobytes() + " KB";
	}

	private record Committed(String id, String orderId, long createdAt) {
	}

	// First deliveries and duplicates, as the record log read them.
	private record Deliveries(Map<String, Committed> truth, List<Seen> firsts, List<Seen> duplicates) {

		// Seconds from a moment to the first delivery of an event written after it, or -1.
		double firstAfter(long moment) {
			OptionalLong first = this.firsts.stream()
				.filter((record) -> this.truth.get(record.eventId()).createdAt() >= moment)
				.mapToLong(Seen::receivedAt)
				.min();
			return first.isPresent() ? (first.getAsLong() - moment) / 1000.0 : -1;
		}

	}

	private record Problem(long at, String what) {
	}

	private record Applied(String eventId, long at) {
	}

}
