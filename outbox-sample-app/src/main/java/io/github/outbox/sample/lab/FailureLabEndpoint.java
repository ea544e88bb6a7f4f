package io.github.outbox.sample.lab;

import java.util.List;
import java.util.Map;

import io.github.outbox.sample.lab.FailureLab.Experiment;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * Actuator endpoint {@code outboxlab}, which the pipeline console looks for and shows as its
 * failure lab: {@code GET} lists the faults and switches, {@code GET /verdict} judges the
 * current experiment, {@code POST /experiment/start} (or {@code /stop}), {@code POST /fault/{id}} (the Kafka outage with {@code {"seconds": 20}}) and
 * {@code POST /switch/inbox} with {@code {"on": false}} act.
 */
@WebEndpoint(id = "outboxlab")
class FailureLabEndpoint {

	private final FailureLab lab;

	private final ExperimentVerifier verifier;

	FailureLabEndpoint(FailureLab lab, ExperimentVerifier verifier) {
		this.lab = lab;
		this.verifier = verifier;
	}

	@ReadOperation
	Map<String, Object> offer() {
		List<Map<String, Object>> faults = this.lab.faults()
			.stream()
			.map((fault) -> (fault == LabFault.KAFKA_OUTAGE)
					? Map.<String, Object>of("id", fault.id, "label", fault.label, "description", fault.description, "seconds",
							FailureLab.KAFKA_OUTAGE_SECONDS)
					: Map.<String, Object>of("id", fault.id, "label", fault.label, "description", fault.description))
			.toList();
		List<Map<String, Object>> switches = List.of(Map.of("id", "inbox", "label", "Inbox on for the audit log",
				"description", "Off: the audit log stores each delivery, so redelivered events are stored twice", "on",
				this.lab.usesInbox()));
		return Map.of("workload", "Workload while an experiment runs: about 20 orders per second placed, every other "
				+ "one cancelled, through the sample's OrderService; two consumers: the order views (read model) and "
				+ "an audit log that must hold every event once, in order per order.", "faults", faults, "switches",
				switches);
	}

	@ReadOperation
	@Nullable LabVerdict read(@Selector String part) {
		if (!"verdict".equals(part)) {
			return null;
		}
		Experiment experiment = this.lab.experiment();
		return (experiment != null) ? this.verifier.verify(experiment, this.lab.skippedDuplicates(), this.lab.failures(),
					this.lab.usesInbox())
				: LabVerdict.none();
	}

	@WriteOperation
	WebEndpointResponse<Map<String, Object>> act(@Selector String kind, @Selector String name, @Nullable Boolean on,
			@Nullable Integer seconds) {
		try {
			return new WebEndpointResponse<>(perform(kind, name, on, seconds));
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// Said to the page, which shows it next to the buttons.
			return new WebEndpointResponse<>(Map.of("message", String.valueOf(ex.getMessage())),
					409);
		}
	}

	private Map<String, Object> perform(String kind, String name, @Nullable Boolean on, @Nullable Integer seconds) {
		switch (kind) {
			case "experiment" -> {
				if ("stop".equals(name)) {
					this.lab.stopExperiment();
					return Map.of("stopped", true);
				}
				this.lab.startExperiment();
				return Map.of("started", true);
			}
			case "fault" -> {
				FaultRun run = this.lab.fire(LabFault.of(name), seconds);
				return Map.of("fired", run.fault.id, "at", run.startedAt);
			}
			case "switch" -> {
				if (!"inbox".equals(name) || on == null) {
					throw new IllegalArgumentException("The lab has one switch, 'inbox', set with {\"on\": true|false}");
				}
				this.lab.useInbox(on);
				return Map.of("inbox", on);
			}
			default -> throw new IllegalArgumentException("Unknown lab action '" + kind + "'");
		}
	}

}
