package io.github.outbox.publish;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Registers the pending outbox rows of every new transaction on the outbox
 * {@code DataSource} as soon as it begins. Spring Boot applies this listener to the
 * transaction managers it configures.
 * <p>
 * Registering on first publication instead would be too late in two cases: a first event
 * published from another synchronization's {@code beforeCommit} (a
 * {@code @TransactionalEventListener} in the {@code BEFORE_COMMIT} phase), whose rows would
 * never be written because Spring iterates over the synchronizations registered before it
 * started committing; and an event published after commit, which the rows' own phase then
 * recognises and refuses.
 */
final class OutboxTransactionListener implements TransactionExecutionListener {

	private final DataSource dataSource;

	private final OutboxWriter writer;

	OutboxTransactionListener(DataSource dataSource, OutboxWriter writer) {
		this.dataSource = dataSource;
		this.writer = writer;
	}

	@Override
	public void afterBegin(TransactionExecution transaction, @Nullable Throwable beginFailure) {
		if (beginFailure == null && transaction.isNewTransaction() && !transaction.isNested()
				&& TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.hasResource(this.dataSource)) {
			PendingOutboxRecords.forCurrentTransaction(this.writer);
		}
	}

}
