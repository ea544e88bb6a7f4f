package io.github.outbox.soak;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak, in the build: the smoke profile by default (a few thousand events, one kill -9,
 * one Kafka cut, one PostgreSQL restart, two services on one broker and one server), the full
 * one with {@code -Dsoak.profile=full} (docs/reliability.md). Fails when anything committed is
 * lost, reordered per aggregate, misrouted or applied twice, or a fault misses its goal.
 */
class SoakTests {

	@Test
	void nothingCommittedIsLostReorderedOrAppliedTwiceUnderFaults() throws Exception {
		String profile = System.getProperty("soak.profile", "smoke");
		Path report = profile.equals("full") ? Path.of(System.getProperty("soak.report", "target/soak-report"))
				: Path.of("target", "soak-report");
		Verdict verdict = SoakRun.run(SoakSettings.named(profile), Path.of("target", "soak"), report);
		assertThat(verdict.violations()).as(verdict.summary()).isEmpty();
		assertThat(verdict.committed()).as("events committed").isGreaterThan(0);
		assertThat(verdict.delivered()).isEqualTo(verdict.committed());
		assertThat(verdict.faults()).hasSize(SoakSettings.named(profile).faults().size());
	}

}
