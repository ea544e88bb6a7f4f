package io.github.outbox.publish;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.outbox.OutboxEventException;
import io.github.outbox.publish.PublishMetrics.EventType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection of the outbox {@code DataSource} that keeps the outbox rows published in its
 * transaction and writes them when the transaction commits, in the round trip of the
 * {@code COMMIT} itself (see {@link OutboxWriter}). The commit is the connection's: whatever
 * the transaction manager, the ORM's flush and every before-commit callback have run by then,
 * so no event published before commit can be missed, and the outbox adds no round trip.
 * <p>
 * Rolling back drops the rows; rolling back to a savepoint drops the rows published after it
 * and restores those published before it, written or not. Rows are written early every
 * {@value #FLUSH_THRESHOLD} to bound the memory a transaction holds. A transaction in which a
 * publication failed cannot commit: {@code commit()} throws instead, so that a caught
 * {@link OutboxEventException} cannot leave a business change without its event. The
 * connection takes no rows in auto-commit mode, nor after {@code commit()} or
 * {@code rollback()} until a transaction begins again ({@code setAutoCommit(false)}): an event
 * published then would not be part of the change.
 */
final class OutboxConnection implements java.lang.reflect.InvocationHandler {

	private static final Logger logger = LoggerFactory.getLogger(OutboxConnection.class);

	static final int FLUSH_THRESHOLD = 1000;

	private final Connection connection;

	private final Supplier<OutboxWriter> writer;

	private List<OutboxRecord> pending = new ArrayList<>();

	// Rows of each type in the transaction, written or pending, for the metrics on commit.
	private Map<EventType, Integer> counts = new HashMap<>();

	// The state at each savepoint that may still be rolled back to, oldest first.
	private final List<SavepointState> savepoints = new ArrayList<>(0);

	private @Nullable Exception failure;

	private boolean ended;

	private OutboxConnection(Connection connection, Supplier<OutboxWriter> writer) {
		this.connection = connection;
		this.writer = writer;
	}

	/**
	 * Wraps a connection of the outbox {@code DataSource}.
	 * @param connection the pool's connection
	 * @param writer writes the rows
	 * @return the connection to hand out
	 */
	static Connection wrap(Connection connection, Supplier<OutboxWriter> writer) {
		return (Connection) Proxy.newProxyInstance(OutboxConnection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new OutboxConnection(connection, writer));
	}

	/**
	 * Returns the outbox side of a connection.
	 * @param connection a connection of the current transaction
	 * @return its outbox side, or {@code null} if it was not handed out by the outbox
	 * {@code DataSource}'s wrapper
	 * @throws SQLException if the connection cannot tell
	 */
	static @Nullable OutboxConnection of(Connection connection) throws SQLException {
		return connection.isWrapperFor(OutboxConnection.class) ? connection.unwrap(OutboxConnection.class) : null;
	}

	/**
	 * Returns whether the connection has a transaction that rows can join: not in auto-commit
	 * mode, and not committed or rolled back since it began.
	 * @return whether an event published now would be part of a transaction
	 * @throws SQLException if the connection cannot tell
	 */
	boolean inTransaction() throws SQLException {
		return !this.ended && !this.connection.getAutoCommit();
	}

	/**
	 * Keeps a row for the commit, writing the rows kept so far if they reach the flush
	 * threshold; a failed write fails the transaction.
	 * @param record the row
	 * @throws SQLException if the rows could not be written
	 */
	void add(OutboxRecord record) throws SQLException {
		this.pending.add(record);
		if (this.writer.get().reportsCommits()) {
			this.counts.merge(new EventType(record.aggregateType(), record.type()), 1, Integer::sum);
		}
		if (this.pending.size() >= FLUSH_THRESHOLD) {
			try {
				this.writer.get().write(this.connection, this.pending);
			}
			catch (SQLException ex) {
				fail(ex);
				throw ex;
			}
			this.pending = new ArrayList<>();
		}
	}

	void fail(Exception failure) {
		if (this.failure == null) {
			this.failure = failure;
		}
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		int arguments = (args != null) ? args.length : 0;
		switch (method.getName()) {
			case "commit" -> {
				commit();
				return null;
			}
			case "rollback" -> {
				if (arguments == 0) {
					rollback();
				}
				else {
					rollback((Savepoint) args[0]);
				}
				return null;
			}
			case "setSavepoint" -> {
				Savepoint savepoint = (Savepoint) delegate(method, args);
				this.savepoints.add(new SavepointState(savepoint, List.copyOf(this.pending), Map.copyOf(this.counts),
						this.failure));
				return savepoint;
			}
			case "releaseSavepoint" -> {
				delegate(method, args);
				int index = indexOf((Savepoint) args[0]);
				if (index >= 0) {
					this.savepoints.subList(index, this.savepoints.size()).clear();
				}
				return null;
			}
			case "setAutoCommit" -> {
				setAutoCommit((Boolean) args[0]);
				return null;
			}
			case "close" -> {
				if (!this.pending.isEmpty()) {
					// Every transaction manager commits or rolls back before it closes: these rows
					// were published on a connection that was acquired after the commit.
					logger.error("{} outbox event(s) ({}) were published on a connection that closed without committing "
							+ "them, so they were not written. Publish events inside the transaction or from "
							+ "@TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT), not after commit.",
							this.pending.size(),
							this.pending.stream().map((record) -> record.eventClass().getName()).distinct().toList());
				}
				reset();
				return delegate(method, args);
			}
			case "isWrapperFor" -> {
				if (args[0] == OutboxConnection.class) {
					return true;
				}
			}
			case "unwrap" -> {
				if (args[0] == OutboxConnection.class) {
					return this;
				}
			}
			case "equals" -> {
				return proxy == args[0];
			}
			case "hashCode" -> {
				return System.identityHashCode(proxy);
			}
			case "toString" -> {
				return "OutboxConnection[" + this.connection + "]";
			}
			default -> {
			}
		}
		return delegate(method, args);
	}

	private void commit() throws SQLException {
		try {
			if (this.failure != null) {
				Class<?> eventClass = (this.failure instanceof OutboxEventException ex) ? ex.getEventClass()
						: Object.class;
				throw new OutboxEventException(eventClass,
						"publishing it failed earlier in this transaction, which therefore rolls back rather than "
								+ "commit a change without its event",
						"Let the original exception (the cause) propagate, or fix what it reports.", this.failure);
			}
			if (!this.pending.isEmpty()) {
				writeAndCommit();
			}
			this.connection.commit();
			if (!this.counts.isEmpty()) {
				this.writer.get().committed(this.counts);
			}
		}
		finally {
			reset();
			this.ended = true;
		}
	}

	private void writeAndCommit() throws SQLException {
		try {
			this.writer.get().writeAndCommit(this.connection, this.pending);
		}
		catch (SQLException ex) {
			throw new SQLException("The transaction did not commit: its " + this.pending.size()
					+ " outbox event(s) could not be written (" + ex.getMessage() + ")", ex.getSQLState(), ex);
		}
	}

	private void rollback() throws SQLException {
		reset();
		this.ended = true;
		this.connection.rollback();
	}

	private void rollback(Savepoint savepoint) throws SQLException {
		this.connection.rollback(savepoint);
		int index = indexOf(savepoint);
		if (index >= 0) {
			SavepointState state = this.savepoints.get(index);
			// The database undid every row written after the savepoint; what was published
			// before it and not written by then is pending again.
			this.pending = new ArrayList<>(state.pending());
			this.counts = new HashMap<>(state.counts());
			this.failure = state.failure();
			this.savepoints.subList(index + 1, this.savepoints.size()).clear();
		}
	}

	private void setAutoCommit(boolean autoCommit) throws SQLException {
		if (autoCommit && !this.connection.getAutoCommit() && (!this.pending.isEmpty() || this.failure != null)) {
			// Switching on auto-commit commits the transaction: with its rows, or not at all.
			commit();
		}
		this.connection.setAutoCommit(autoCommit);
		if (!autoCommit) {
			this.ended = false;
		}
	}

	private void reset() {
		this.pending = new ArrayList<>();
		this.counts = new HashMap<>();
		this.savepoints.clear();
		this.failure = null;
	}

	private int indexOf(Savepoint savepoint) {
		for (int i = 0; i < this.savepoints.size(); i++) {
			if (this.savepoints.get(i).savepoint() == savepoint) {
				return i;
			}
		}
		return -1;
	}

	private @Nullable Object delegate(Method method, @Nullable Object[] args) throws Throwable {
		try {
			return method.invoke(this.connection, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private record SavepointState(Savepoint savepoint, List<OutboxRecord> pending, Map<EventType, Integer> counts,
			@Nullable Exception failure) {

	}

}
