package io.github.outbox.inbox;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Records processed event ids in the inbox table, in the current transaction. An id already
 * recorded for the consumer is not recorded again: the insert skips it, so the caller knows the
 * event was processed before. A concurrent transaction recording the same id waits for the
 * first to commit or roll back, so that only one of them processes the event.
 */
final class InboxStore {

	private final DataSource dataSource;

	private final JdbcTemplate jdbcTemplate;

	private final String recordOne;

	private final String recordMany;

	InboxStore(DataSource dataSource, OutboxTable table) {
		this.dataSource = dataSource;
		this.jdbcTemplate = new JdbcTemplate(dataSource);
		this.recordOne = "INSERT INTO " + table.qualifiedInboxName() + " (consumer, event_id) VALUES (?, ?) "
				+ "ON CONFLICT DO NOTHING";
		this.recordMany = "INSERT INTO " + table.qualifiedInboxName() + " (consumer, event_id) "
				+ "SELECT ?, id FROM unnest(?::varchar[]) AS ids (id) ON CONFLICT DO NOTHING RETURNING event_id";
	}

	/**
	 * Records an event as processed by a consumer.
	 * @return whether it is new: {@code false} if the consumer processed it before
	 */
	boolean record(String consumer, String eventId) {
		requireTransaction();
		return this.jdbcTemplate.update(this.recordOne, consumer, eventId) == 1;
	}

	/**
	 * Records events as processed by a consumer.
	 * @return the ids that are new
	 */
	Set<String> record(String consumer, List<String> eventIds) {
		requireTransaction();
		return new HashSet<>(this.jdbcTemplate.queryForList(this.recordMany, String.class, consumer,
				eventIds.toArray(String[]::new)));
	}

	private void requireTransaction() {
		if (!TransactionSynchronizationManager.hasResource(this.dataSource)) {
			throw new IllegalStateException("The inbox must be written in a transaction of the outbox DataSource; "
					+ "the transaction manager used for @Inbox listeners does not manage it.");
		}
	}

}
