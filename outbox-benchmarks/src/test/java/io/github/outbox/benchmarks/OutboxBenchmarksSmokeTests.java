package io.github.outbox.benchmarks;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmarks run end to end, briefly, so that they keep working between the runs that
 * produce docs/benchmarks.md. The figures mean nothing here.
 */
class OutboxBenchmarksSmokeTests {

	@Test
	void everyBenchmarkRunsAndIsReported() throws Exception {
		String report = new OutboxBenchmarks(Map.of("rounds", "1", "warm-up", "200ms", "duration", "500ms", "backlog",
				"500", "rates", "100"))
			.run();
		assertThat(report).contains("| business transaction alone (floor) |", "| + one event, partitions |",
				"| + one event, retention, embedded relay running |", "## Relay drain (500 events",
				"| 100 | ");
	}

}
