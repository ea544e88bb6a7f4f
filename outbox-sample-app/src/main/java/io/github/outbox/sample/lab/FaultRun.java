package io.github.outbox.sample.lab;

/**
 * One fault fired during an experiment.
 */
final class FaultRun {

	final LabFault fault;

	final long startedAt;

	// Counter value of the audit log's skipped duplicates when the fault was fired.
	final double skippedAtStart;

	private volatile long endedAt = -1;

	private volatile double maxRetainedWal;

	// Deliveries the audit log had failed when the fault was fired.
	final long failuresAtStart;

	// How long it lasts, for a fault that takes a duration (the Kafka outage), else 0.
	final int seconds;

	FaultRun(LabFault fault, int seconds, long startedAt, double skippedAtStart, long failuresAtStart) {
		this.fault = fault;
		this.seconds = seconds;
		this.startedAt = startedAt;
		this.skippedAtStart = skippedAtStart;
		this.failuresAtStart = failuresAtStart;
	}

	String label() {
		return (this.seconds > 0) ? this.fault.label + " for " + this.seconds + " s" : this.fault.label;
	}

	void end() {
		this.endedAt = System.currentTimeMillis();
	}

	boolean active() {
		return this.endedAt < 0;
	}

	long endedAt() {
		return this.endedAt;
	}

	void retainedWal(double bytes) {
		if (bytes > this.maxRetainedWal) {
			this.maxRetainedWal = bytes;
		}
	}

	double maxRetainedWal() {
		return this.maxRetainedWal;
	}

}
