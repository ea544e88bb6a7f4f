package io.github.outbox.publish;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.publish.PublishMetrics.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes events into the outbox table of the current transaction: checks that there is a
 * transaction the row can join, turns the event into a row at once (so that a bad event fails
 * where it is published), and leaves the row with the transaction's connection, which writes it
 * with the commit ({@link OutboxConnection}).
 */
final class TransactionalOutboxPublisher implements OutboxPublisher {

	private static final Logger logger = LoggerFactory.getLogger(TransactionalOutboxPublisher.class);

	private final DataSource dataSource;

	private final OutboxRecordFactory recordFactory;

	private final OutboxWriter writer;

	private volatile boolean reportedForeignConnection;

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
		add(event.getClass(), () -> this.recordFactory.create(OutboxEventDescriptor.of(event.getClass()).toMessage(event)));
	}

	@Override
	public void publish(OutboxMessage message) {
		add(message.payload().getClass(), () -> this.recordFactory.create(message));
	}

	@Override
	public void publishAll(Iterable<?> events) {
		events.forEach(this::publish);
	}

	private void add(Class<?> eventClass, Supplier<OutboxRecord> record) {
		checkTransaction(eventClass);
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			OutboxConnection outbox = OutboxConnection.of(connection);
			if (outbox == null) {
				writeAtOnce(connection, record);
				return;
			}
			if (!outbox.inTransaction()) {
				throw completing(eventClass);
			}
			OutboxRecord created;
			try {
				created = record.get();
			}
			catch (RuntimeException ex) {
				outbox.fail(ex);
				throw ex;
			}
			outbox.add(created);
		}
		catch (SQLException ex) {
			throw translate(ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	// A connection the outbox DataSource's wrapper did not hand out (a DataSource bean created
	// before the post-processors, or wrapped again in a way that hides the wrapper): the row is
	// written now, on the transaction's connection, so it is just as atomic.
	private void writeAtOnce(Connection connection, Supplier<OutboxRecord> record) throws SQLException {
		if (!this.reportedForeignConnection) {
			this.reportedForeignConnection = true;
			logger.warn("The outbox DataSource's connections do not come through the outbox starter's wrapper ({}), "
					+ "so each event is written when it is published, one statement each, rather than with the "
					+ "commit. Let the starter post-process the DataSource bean.", connection.getClass().getName());
		}
		OutboxRecord created;
		try {
			created = record.get();
		}
		catch (RuntimeException ex) {
			TransactionSynchronizationManager.registerSynchronization(new FailedPublication(ex));
			throw ex;
		}
		this.writer.write(connection, List.of(created));
		this.writer.committed(Map.of(new EventType(created.aggregateType(), created.type()), 1));
	}

	private static RuntimeException translate(SQLException ex) {
		RuntimeException translated = new SQLStateSQLExceptionTranslator().translate("Writing outbox events", null, ex);
		return (translated != null) ? translated : new IllegalStateException("Writing outbox events failed", ex);
	}

	private void checkTransaction(Class<?> eventClass) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalTransactionStateException("Cannot publish outbox event " + eventClass.getName()
					+ ": no transaction is active. An outbox event is written in the transaction of the change it "
					+ "describes, so that both commit or neither does. Publish it from a @Transactional method or "
					+ "inside TransactionTemplate.execute(...), around the change too: a change saved outside a "
					+ "transaction (a repository's save, for example) has already committed without its event.");
		}
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			throw completing(eventClass);
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
	}

	private static IllegalTransactionStateException completing(Class<?> eventClass) {
		return new IllegalTransactionStateException("Cannot publish outbox event " + eventClass.getName()
				+ ": the current transaction has already committed or is completing (the call came from an "
				+ "after-commit or after-completion callback, such as a @TransactionalEventListener in its default "
				+ "AFTER_COMMIT phase). An event written now could not be part of the change. Publish it inside "
				+ "the transaction, or from @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT).");
	}

	/**
	 * Fails the commit of a transaction in which a publication failed, when its connection
	 * cannot ({@link #writeAtOnce}).
	 */
	private record FailedPublication(RuntimeException failure) implements TransactionSynchronization {

		@Override
		public void beforeCommit(boolean readOnly) {
			throw this.failure;
		}

	}

}
