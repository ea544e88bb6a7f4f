package io.github.outbox.cleanup;

import java.util.ArrayList;
import java.util.List;

/**
 * What one run of the cleanup job did.
 *
 * @param rowsDeleted rows deleted
 * @param partitionsCreated partitions created ahead
 * @param partitionsDropped partitions dropped whole
 */
record CleanupReport(long rowsDeleted, int partitionsCreated, int partitionsDropped) {

	static final CleanupReport NOTHING = new CleanupReport(0, 0, 0);

	boolean didSomething() {
		return this.rowsDeleted > 0 || this.partitionsCreated > 0 || this.partitionsDropped > 0;
	}

	@Override
	public String toString() {
		List<String> parts = new ArrayList<>();
		if (this.rowsDeleted > 0) {
			parts.add("deleted " + this.rowsDeleted + " row(s)");
		}
		if (this.partitionsDropped > 0) {
			parts.add("dropped " + this.partitionsDropped + " partition(s)");
		}
		if (this.partitionsCreated > 0) {
			parts.add("created " + this.partitionsCreated + " partition(s)");
		}
		return (parts.isEmpty()) ? "nothing to do" : String.join(", ", parts);
	}

}
