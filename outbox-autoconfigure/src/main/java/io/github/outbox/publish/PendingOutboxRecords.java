package io.github.outbox.publish;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.outbox.OutboxEventException;
import io.github.outbox.publish.PublishMetrics.EventType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The outbox rows published in one transaction and not yet written. They are written as one
 * JDBC batch just before the transaction commits, still inside it; a transaction that rolls
 * back never writes them.
 * <p>
 * Rolling back to a savepoint drops the rows published after it and restores those published
 * before it, written or not. A transaction in which a
 * publication failed cannot commit: {@link #beforeCommit(boolean)} throws instead, so that a
 * caught {@link OutboxEventException} cannot leave a business change without its event.
 */
final class PendingOutboxRecords implements TransactionSynchronization {

	private static final Logger logger = LoggerFactory.getLogger(PendingOutboxRecords.class);

	// Bounds the memory a transaction publishing very many events holds.
	static final int FLUSH_THRESHOLD = 1000;

	private final OutboxWriter writer;

	private List<OutboxRecord> pending = new ArrayList<>();

	// How many rows of each type were written, for the metrics once the transaction commits:
	// counts only, so that a flush frees the rows themselves.
	private Map<EventType, Integer> written = new HashMap<>();

	// The rows pending at each savepoint that may still be rolled back to, oldest first.
	private final List<SavepointState> savepoints = new ArrayList<>(0);

	private Phase phase = Phase.OPEN;

	private @Nullable RuntimeException failure;

	private PendingOutboxRecords(OutboxWriter writer) {
		this.writer = writer;
	}

	/**
	 * Returns the pending rows of the current transaction, registering them with it on first
	 * use.
	 * @param writer writes them, and identifies the rows of one outbox table
	 * @return the pending rows
	 */
	static PendingOutboxRecords forCurrentTransaction(OutboxWriter writer) {
		PendingOutboxRecords records = current(writer);
		if (records == null) {
			records = new PendingOutboxRecords(writer);
			TransactionSynchronizationManager.bindResource(writer, records);
			TransactionSynchronizationManager.registerSynchronization(records);
		}
		return records;
	}

	static @Nullable PendingOutboxRecords current(OutboxWriter writer) {
		return (PendingOutboxRecords) TransactionSynchronizationManager.getResource(writer);
	}

	boolean isCompleting() {
		return this.phase == Phase.COMPLETING;
	}

	void add(OutboxRecord record) {
		if (this.phase == Phase.COMMITTING) {
			// Published by another before-commit callback, after this one wrote the batch:
			// the transaction is still open, so write the row straight away.
			this.writer.write(List.of(record));
			countWritten(record);
			return;
		}
		this.pending.add(record);
		if (this.pending.size() >= FLUSH_THRESHOLD) {
			writePending();
		}
	}

	void fail(RuntimeException failure) {
		if (this.failure == null) {
			this.failure = failure;
		}
	}

	@Override
	public void savepoint(Object savepoint) {
		// Spring calls this once the savepoint exists: rows still pending cannot be written
		// before it any more, so remember them in case a flush writes them after it.
		this.savepoints.add(new SavepointState(savepoint, List.copyOf(this.pending), Map.copyOf(this.written)));
	}

	@Override
	public void savepointRollback(Object savepoint) {
		int index = indexOf(savepoint);
		// A savepoint unknown here was created before the first row of this transaction.
		List<OutboxRecord> pendingAtSavepoint = (index >= 0) ? this.savepoints.get(index).pending() : List.of();
		this.written = new HashMap<>((index >= 0) ? this.savepoints.get(index).written() : Map.of());
		// The database undoes every row written after the savepoint; what was published
		// before it and not written by then is pending again.
		this.pending = new ArrayList<>(pendingAtSavepoint);
		this.savepoints.subList(Math.max(index, 0), this.savepoints.size()).clear();
	}

	private int indexOf(Object savepoint) {
		for (int i = 0; i < this.savepoints.size(); i++) {
			if (this.savepoints.get(i).savepoint() == savepoint) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public void flush() {
		writePending();
	}

	@Override
	public void beforeCommit(boolean readOnly) {
		if (this.failure != null) {
			Class<?> eventClass = (this.failure instanceof OutboxEventException ex) ? ex.getEventClass() : Object.class;
			throw new OutboxEventException(eventClass,
					"publishing it failed earlier in this transaction, which therefore rolls back rather than commit "
							+ "a change without its event",
					"Let the original exception (the cause) propagate, or fix what it reports.", this.failure);
		}
		writePending();
		this.phase = Phase.COMMITTING;
	}

	@Override
	public void beforeCompletion() {
		this.phase = Phase.COMPLETING;
	}

	@Override
	public void afterCompletion(int status) {
		TransactionSynchronizationManager.unbindResourceIfPossible(this.writer);
		if (status == STATUS_COMMITTED) {
			this.writer.committed(this.written);
		}
		if (status == STATUS_COMMITTED && !this.pending.isEmpty()) {
			// Only reachable with a transaction manager that Spring Boot did not configure, so
			// that these rows were registered late (see OutboxTransactionListener): the events
			// were published while the transaction was committing and nothing can be thrown to
			// the caller any more.
			logger.error("{} outbox event(s) ({}) were published while their transaction was committing and were not "
					+ "written. Apply Spring Boot's TransactionManagerCustomizers to your transaction manager, or "
					+ "publish the events before commit.", this.pending.size(),
					this.pending.stream().map((record) -> record.eventClass().getName()).distinct().toList());
		}
	}

	@Override
	public void suspend() {
		TransactionSynchronizationManager.unbindResource(this.writer);
	}

	@Override
	public void resume() {
		TransactionSynchronizationManager.bindResource(this.writer, this);
	}

	private void writePending() {
		if (!this.pending.isEmpty()) {
			this.writer.write(this.pending);
			this.pending.forEach(this::countWritten);
			this.pending.clear();
		}
	}

	private void countWritten(OutboxRecord record) {
		if (!this.writer.reportsCommits()) {
			return;
		}
		this.written.merge(new EventType(record.aggregateType(), record.type()), 1, Integer::sum);
	}

	private record SavepointState(Object savepoint, List<OutboxRecord> pending, Map<EventType, Integer> written) {

	}

	private enum Phase {

		/** Rows are collected. */
		OPEN,

		/** The batch is written and the transaction about to commit; rows are written at once. */
		COMMITTING,

		/** The transaction is committing or rolling back; nothing can be written any more. */
		COMPLETING

	}

}
