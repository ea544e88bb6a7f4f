package io.github.outbox.soak.service;

import java.util.List;

import io.github.outbox.Inbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The service's own consumer of its events, behind the inbox: it counts each application of
 * an event, so the verifier sees any event applied twice (or never).
 */
@Component
class AppliedEvents {

	private final JdbcTemplate jdbc;

	AppliedEvents(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	// A batch listener, as a busy consumer would be: the inbox records the batch in one
	// statement and passes on the events it has not seen.
	@KafkaListener(id = "soak-apply", topics = "outbox.event.${soak.service}", batch = "true")
	@Inbox("soak-apply")
	void on(List<ConsumerRecord<String, String>> records) {
		this.jdbc.batchUpdate("INSERT INTO soak_applied (event_id, applications) VALUES (?, 1) ON CONFLICT (event_id)"
				+ " DO UPDATE SET applications = soak_applied.applications + 1", records.stream()
					.map((record) -> new Object[] { new String(record.headers().lastHeader("eventId").value(),
							java.nio.charset.StandardCharsets.UTF_8) })
					.toList());
	}

}
