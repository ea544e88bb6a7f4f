package io.github.outbox.sample.lab;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The verdict on the current experiment, as the console shows it.
 *
 * @param started whether an experiment runs
 * @param passed whether nothing broke and nothing is still on its way
 * @param headline one sentence
 * @param counts the experiment's figures
 * @param faults each fault and what became of it
 */
record LabVerdict(boolean started, boolean passed, String headline, @Nullable Counts counts, List<Fault> faults) {

	static LabVerdict none() {
		return new LabVerdict(false, false, "No experiment yet", null, List.of());
	}

	/**
	 * The experiment's events: written since it started.
	 *
	 * @param committed events the outbox table holds (the truth)
	 * @param delivered distinct events the record log read from Kafka
	 * @param applied distinct events in the audit log
	 * @param inFlight committed, not delivered yet, and not late
	 * @param lost committed and still not delivered 30 s after every fault ended
	 * @param duplicates records of an event Kafka had delivered already
	 * @param duplicatesSkipped redelivered events the audit log's inbox skipped
	 * @param appliedTwice events the audit log holds more than once
	 * @param notApplied events delivered but still not in the audit log 30 s after every fault
	 * ended
	 * @param outOfOrder events delivered or applied after a later event of their order
	 * @param misrouted records whose key is not their order's id
	 */
	record Counts(long committed, long delivered, long applied, long inFlight, long lost, long duplicates,
			long duplicatesSkipped, long appliedTwice, long notApplied, long outOfOrder, long misrouted) {
	}

	/**
	 * One fault.
	 *
	 * @param id the fault's id
	 * @param label what it was
	 * @param at when it was fired, epoch milliseconds
	 * @param outcome {@code running}, {@code absorbed} or {@code broke}
	 * @param explanation which component absorbed it and why, or what broke
	 * @param docs where the docs explain that mechanism
	 */
	record Fault(String id, String label, long at, String outcome, String explanation, String docs) {
	}

}
