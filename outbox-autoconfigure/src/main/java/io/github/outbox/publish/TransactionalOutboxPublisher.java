package io.github.outbox.publish;

import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;

import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes events into the outbox table of the current transaction: checks that there is a
 * transaction the row can join, turns the event into a row at once (so that a bad event fails
 * where it is published), and leaves the row with the transaction's pending rows.
 */
final class TransactionalOutboxPublisher implements OutboxPublisher {

	private final DataSource dataSource;

	private final OutboxRecordFactory recordFactory;

	private final OutboxWriter writer;

	TransactionalOutboxPublisher(DataSource dataSource, OutboxRecordFactory recordFactory, OutboxWriter writer) {
		this.dataSource = dataSource;
		this.recordFactory = recordFactory;
		this.writer = writer;
	}

	@Override
	public void publish(Object event) {
		if (event instanceof OutboxMessage message) {
			publish(message);
			return;
		}
		PendingOutboxRecords pending = pendingRecords(event.getClass());
		add(pending, () -> this.recordFactory.create(OutboxEventDescriptor.of(event.getClass()).toMessage(event)));
	}

	@Override
	public void publish(OutboxMessage message) {
		PendingOutboxRecords pending = pendingRecords(message.payload().getClass());
		add(pending, () -> this.recordFactory.create(message));
	}

	@Override
	public void publishAll(Iterable<?> events) {
		events.forEach(this::publish);
	}

	private void add(PendingOutboxRecords pending, Supplier<OutboxRecord> record) {
		try {
			pending.add(record.get());
		}
		catch (RuntimeException ex) {
			pending.fail(ex);
			throw ex;
		}
	}

	private PendingOutboxRecords pendingRecords(Class<?> eventClass) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalTransactionStateException("Cannot publish outbox event " + eventClass.getName()
					+ ": no transaction is active. An outbox event is written in the transaction of the change it "
					+ "describes, so that both commit or neither does. Publish it from a @Transactional method or "
					+ "inside TransactionTemplate.execute(...).");
		}
		PendingOutboxRecords existing = PendingOutboxRecords.current(this.writer);
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| (existing != null && existing.isCompleting())) {
			throw new IllegalTransactionStateException("Cannot publish outbox event " + eventClass.getName()
					+ ": the current transaction has already committed or is completing (the call came from an "
					+ "after-commit or after-completion callback, such as a @TransactionalEventListener in its default "
					+ "AFTER_COMMIT phase). An event written now could not be part of the change. Publish it inside "
					+ "the transaction, or from @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT).");
		}
		if (!TransactionSynchronizationManager.hasResource(this.dataSource)) {
			throw new IllegalTransactionStateException("Cannot publish outbox event " + eventClass.getName()
					+ ": the active transaction does not manage the outbox DataSource, so the event could not be "
					+ "written in the same transaction as the change. Use a DataSourceTransactionManager or "
					+ "JpaTransactionManager for the DataSource that holds the outbox table.");
		}
		if (TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			throw new IllegalTransactionStateException("Cannot publish outbox event " + eventClass.getName()
					+ ": the current transaction is read-only. Publish from a read-write transaction "
					+ "(remove readOnly = true from its @Transactional).");
		}
		return (existing != null) ? existing : PendingOutboxRecords.forCurrentTransaction(this.writer);
	}

}
