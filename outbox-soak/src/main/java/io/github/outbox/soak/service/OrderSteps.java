package io.github.outbox.soak.service;

import java.util.Map;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * One business transaction per request: the order's row moves to the step, its sequence
 * number goes up by one, and the step's event (carrying that number) is published in the same
 * transaction. The number lets the verifier check the order of each aggregate's events.
 */
@RestController
class OrderSteps {

	private final JdbcTemplate jdbc;

	private final OutboxPublisher outbox;

	private final String service;

	OrderSteps(JdbcTemplate jdbc, OutboxPublisher outbox, @Value("${soak.service}") String service) {
		this.jdbc = jdbc;
		this.outbox = outbox;
		this.service = service;
	}

	/**
	 * Runs one step.
	 * @param id the order
	 * @param step the step's name, the event type
	 * @param events how many events the step publishes (the step's event, then audit events)
	 * @return the sequence number of the step's last event
	 */
	@PostMapping("/orders/{id}/{step}")
	@Transactional
	public Map<String, Object> step(@PathVariable String id, @PathVariable String step,
			@RequestParam(defaultValue = "1") int events) {
		Long last = this.jdbc.queryForObject("INSERT INTO soak_order (id, state, seq) VALUES (?, ?, ?)"
				+ " ON CONFLICT (id) DO UPDATE SET state = excluded.state, seq = soak_order.seq + excluded.seq"
				+ " RETURNING seq", Long.class, id, step, events);
		for (int i = 0; i < events; i++) {
			long seq = last - events + 1 + i;
			this.outbox.publish(OutboxMessage.of(this.service, id, (i == 0) ? step : step + "Audited",
					Map.of("seq", seq, "service", this.service)));
		}
		return Map.of("seq", last);
	}

}
