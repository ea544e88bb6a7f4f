package io.github.outbox.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure lab through its endpoint, as the console drives it: faults the browser test does
 * not fire are each absorbed with nothing lost, and without the inbox a redelivery breaks the
 * audit log, which the verdict says.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@Import(PostgresContainerWhenDockerIsAvailable.class)
class FailureLabIntegrationTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private RestTestClient http;

	@Test
	void faultsAreAbsorbedAndARedeliveryWithoutTheInboxBreaksTheAuditLog() {
		List<String> offered = faults();
		try {
			post("experiment/start", "{}");
			for (String fault : List.of("relay-crash", "leadership-lost", "postgres-restart", "consumer-failing")) {
				if (!offered.contains(fault)) {
					continue; // postgres-restart needs the embedded server, not a container
				}
				post("fault/" + fault, "{}");
				await().atMost(Duration.ofSeconds(90))
					.pollInterval(Duration.ofMillis(500))
					.until(() -> outcome(fault), (outcome) -> !outcome.equals("running"));
				assertThat(outcome(fault)).as("%s: %s", fault, lastFault().get("explanation")).isEqualTo("absorbed");
			}
			// The failing consumer really failed: each failure rolled its entry back and was retried.
			assertThat((String) lastFault().get("explanation")).contains("the audit log failed 5 deliveries");
			await().atMost(Duration.ofSeconds(60)).until(() -> Boolean.TRUE.equals(verdict().get("passed")));
			assertThat(counts()).containsEntry("lost", 0).containsEntry("appliedTwice", 0).containsEntry("outOfOrder", 0);

			post("switch/inbox", "{\"on\": false}");
			post("fault/redeliver", "{}");
			await().atMost(Duration.ofSeconds(90)).until(() -> outcome("redeliver"), (outcome) -> outcome.equals("broke"));
			assertThat((String) lastFault().get("explanation")).contains("applied twice")
				.contains("inbox is switched off");
			assertThat((Integer) counts().get("appliedTwice")).isPositive();
			assertThat(counts()).containsEntry("lost", 0);
		}
		finally {
			post("switch/inbox", "{\"on\": true}");
			post("experiment/stop", "{}");
		}
	}

	@SuppressWarnings("unchecked")
	private List<String> faults() {
		Map<String, Object> offer = this.http.get()
			.uri("/actuator/outboxlab")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JSON)
			.getResponseBody();
		return ((List<Map<String, Object>>) offer.get("faults")).stream().map((fault) -> (String) fault.get("id")).toList();
	}

	private Map<String, Object> verdict() {
		return this.http.get()
			.uri("/actuator/outboxlab/verdict")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JSON)
			.getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> counts() {
		return (Map<String, Object>) verdict().get("counts");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> lastFault() {
		List<Map<String, Object>> faults = (List<Map<String, Object>>) verdict().get("faults");
		return faults.get(faults.size() - 1);
	}

	private String outcome(String fault) {
		Map<String, Object> last = lastFault();
		assertThat(last.get("id")).isEqualTo(fault);
		return (String) last.get("outcome");
	}

	private void post(String action, String body) {
		this.http.post()
			.uri("/actuator/outboxlab/" + action)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.exchange()
			.expectStatus()
			.isOk();
	}

}
