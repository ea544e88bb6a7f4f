package io.github.outbox.soak;

import java.util.List;
import java.util.Map;

/**
 * What the verifier found.
 *
 * @param committed events the databases hold (the truth)
 * @param acknowledged business transactions the writers saw commit
 * @param ambiguous transactions without an answer, and how many of them the databases hold
 * @param delivered distinct events the independent consumer saw
 * @param records records it saw (each offset once)
 * @param lost committed events never on Kafka (must be 0)
 * @param acknowledgedNotCommitted transactions answered as committed that the database does not
 * hold (must be 0)
 * @param notAtomic orders whose business row and events disagree: a row without its events, or
 * events without their row (must be 0)
 * @param duplicates records of an event already on Kafka
 * @param orderViolations events that arrived after a later event of their aggregate (must be 0)
 * @param misrouted records on the wrong topic, key or partition (must be 0)
 * @param appliedTwice events an inbox consumer applied more than once (must be 0)
 * @param notApplied events an inbox consumer never applied (must be 0)
 * @param faults per fault, what happened
 * @param violations the evidence of every broken rule, empty if none
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public record Verdict(long committed, long acknowledged, long[] ambiguous, long delivered, long records, long lost,
		long acknowledgedNotCommitted, long notAtomic, long duplicates, long orderViolations, long misrouted, long appliedTwice,
		long notApplied, List<FaultResult> faults, List<String> violations) {

	public boolean passed() {
		return this.violations.isEmpty();
	}

	public String summary() {
		return (passed() ? "PASSED" : "FAILED") + ": " + this.committed + " events committed, " + this.delivered
				+ " delivered, " + this.lost + " lost, " + this.notAtomic + " not atomic, " + this.duplicates + " duplicates, " + this.orderViolations
				+ " out of order, " + this.misrouted + " misrouted, " + this.appliedTwice + " applied twice, "
				+ this.notApplied + " not applied" + (passed() ? "" : "; " + String.join("; ", this.violations));
	}

	/**
	 * One fault's outcome.
	 *
	 * @param fault the fault as injected
	 * @param duplicates records of already delivered events that arrived after it, before the
	 * next fault
	 * @param firstDeliveryAfter for a fault on the relaying instance: seconds from the fault to
	 * the first delivery of an event written after it (by the instance that took over); -1 if
	 * not applicable
	 * @param downAfter seconds from the fault to the first health DOWN of the service's relay
	 * (any instance); -1 if it never went DOWN
	 * @param upAgainAfter seconds from the fault's end until every service relayed and was UP
	 * again; -1 if not within the time looked at
	 * @param goals the goals checked for it and whether each was met
	 */
	public record FaultResult(Fault.Injected fault, long duplicates, double firstDeliveryAfter, double downAfter,
			double upAgainAfter, Map<String, Boolean> goals) {
	}

}
