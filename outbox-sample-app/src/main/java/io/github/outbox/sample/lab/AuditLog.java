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
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit log: every order event stored once, in the order Kafka delivers them. Through
 * {@code @Inbox} unless the lab's "inbox" switch is off, which shows what the inbox is for:
 * each redelivered event is then stored again.
 */
class AuditLog {

	static final String CONSUMER = "audit-log";

	private final Entries entries;

	private final AtomicBoolean inbox = new AtomicBoolean(true);

	AuditLog(Entries entries) {
		this.entries = entries;
	}

	@KafkaListener(id = CONSUMER, topics = FailureLab.TOPIC)
	void on(ReceivedEvent<OrderEvent> event) {
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

	void failNext(int deliveries) {
		this.entries.failNext(deliveries);
	}

	long failures() {
		return this.entries.failures();
	}

	/**
	 * Writes the entries, in the inbox's transaction or in one of their own.
	 */
	static class Entries {

		private final JdbcTemplate jdbc;

		private final AtomicInteger failNext = new AtomicInteger();

		private final AtomicLong failures = new AtomicLong();

		Entries(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		// Methods, not fields: this bean is a proxy (@Inbox, @Transactional).
		public void failNext(int deliveries) {
			this.failNext.set(deliveries);
		}

		public long failures() {
			return this.failures.get();
		}

		@Inbox(CONSUMER)
		public void appendOnce(ReceivedEvent<OrderEvent> event) {
			insert(event);
		}

		@Transactional
		public void append(ReceivedEvent<OrderEvent> event) {
			insert(event);
		}

		// A failure after the insert: the entry and the inbox's record of the event roll back
		// together, and the error handler delivers the record again.
		private void insert(ReceivedEvent<OrderEvent> event) {
			this.jdbc.update("INSERT INTO audit_log (event_id, order_id, event_type) VALUES (?, ?, ?)",
					UUID.fromString(event.id()), event.payload().orderId(), event.type());
			if (this.failNext.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
				this.failures.incrementAndGet();
				throw new IllegalStateException("The failure lab made the audit log fail on event " + event.id());
			}
		}

	}

}
