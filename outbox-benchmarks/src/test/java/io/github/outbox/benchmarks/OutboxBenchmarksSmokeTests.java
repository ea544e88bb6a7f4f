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
		assertThat(report).contains("`fsync=on`", "| business transaction alone (floor) |",
				"| + one event inserted by hand (plain JDBC, no starter) |", "| + three events, retention |",
				"| + one event, partitions |", "| 0.5 ms network, + one event, retention |",
				"| 0.5 ms network, three statements + one event, retention |",
				"| + one event, retention, embedded relay running |",
				"| Spring Modulith (JPA registry + Kafka externalization) |", "## Relay drain (500 events",
				"| outbox starter, embedded relay | 100 | ", "| Spring Modulith | 100 | ");
	}

	@Test
	void partsCanBeRunAlone() throws Exception {
		String report = new OutboxBenchmarks(Map.of("parts", "drain", "rounds", "2", "backlog", "300")).run();
		assertThat(report).contains("| 1 (JIT still compiling) | ", "| median of rounds 2 to 2 | ")
			.doesNotContain("## Commit throughput", "## End-to-end latency");
	}

}
