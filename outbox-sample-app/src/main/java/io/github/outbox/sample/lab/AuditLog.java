package io.github.outbox.sample.lab;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.outbox.Inbox;
import io.github.outbox.ReceivedEvent;
import io.github.outbox.sample.order.OrderEvent;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit log: every order event stored once, in the order Kafka delivers them. Through
 * {@code @Inbox} unless the lab's "inbox" switch is off, which shows what the inbox is for:
 * each redelivered event is then stored again.
 */
@Component
class AuditLog {

	static final String CONSUMER = "audit-log";

	private final Entries entries;

	private final AtomicBoolean inbox = new AtomicBoolean(true);

	private final AtomicInteger failNext = new AtomicInteger();

	private final AtomicLong failures = new AtomicLong();

	AuditLog(Entries entries) {
		this.entries = entries;
	}

	@KafkaListener(id = CONSUMER, topics = "outbox.event.order")
	void on(ReceivedEvent<OrderEvent> event) {
		if (this.failNext.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			this.failures.incrementAndGet();
			throw new IllegalStateException("The failure lab made the audit log fail on event " + event.id());
		}
		if (this.inbox.get()) {
			this.entries.appendOnce(event);
		}
		else {
			this.entries.append(event);
		}
	}

	void useInbox(boolean on) {
		this.inbox.set(on);
	}

	boolean usesInbox() {
		return this.inbox.get();
	}

	long failures() {
		return this.failures.get();
	}

	void failNext(int events) {
		this.failNext.set(events);
	}

	@Component
	static class Entries {

		private final JdbcTemplate jdbc;

		Entries(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Inbox(CONSUMER)
		public void appendOnce(ReceivedEvent<OrderEvent> event) {
			insert(event);
		}

		@Transactional
		public void append(ReceivedEvent<OrderEvent> event) {
			insert(event);
		}

		private void insert(ReceivedEvent<OrderEvent> event) {
			this.jdbc.update("INSERT INTO audit_log (event_id, order_id, event_type) VALUES (?, ?, ?)", UUID.fromString(event.id()),
					event.payload().orderId(), event.type());
		}

	}

}
