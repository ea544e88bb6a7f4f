package io.github.outbox.testsupport;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Records the prepared statements executed through the application's {@code DataSource} and
 * its commits, to see how rows reach the database (one statement per row or one for all,
 * with the {@code COMMIT} or before it) and how many round trips a transaction makes.
 */
public final class JdbcRecorder implements BeanPostProcessor {

	private final List<String> executions = new CopyOnWriteArrayList<>();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource && !(bean instanceof RecordingDataSource)) {
			return new RecordingDataSource(dataSource);
		}
		return bean;
	}

	/**
	 * Returns the round trips to the database recorded since the last {@link #clear()}: each
	 * statement execution (PgJDBC sends a transaction's {@code BEGIN} with its first one) and
	 * each commit that had a transaction to end (PgJDBC sends nothing for one that a
	 * statement's own {@code COMMIT} ended already).
	 * @return the round trips
	 */
	public int roundTrips() {
		return (int) this.executions.stream().filter((execution) -> !execution.startsWith("commit:nothing")).count();
	}

	/**
	 * Returns the executions whose SQL contains the given text, each as {@code "update"},
	 * {@code "update and commit"} (a statement text that ends with {@code COMMIT}) or
	 * {@code "batch of N"}.
	 * @param sqlFragment text the SQL contains
	 * @return the executions, oldest first
	 */
	public List<String> executionsOf(String sqlFragment) {
		return this.executions.stream()
			.filter((execution) -> execution.contains(sqlFragment))
			.map((execution) -> execution.substring(0, execution.indexOf(':')))
			.toList();
	}

	public void clear() {
		this.executions.clear();
	}

	private final class RecordingDataSource extends DelegatingDataSource {

		RecordingDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			return recording(super.getConnection());
		}

		private Connection recording(Connection connection) {
			return proxy(Connection.class, connection, (method, args) -> {
				if (method.getName().equals("commit") && args.length == 0) {
					TransactionState state = connection.unwrap(BaseConnection.class).getTransactionState();
					JdbcRecorder.this.executions
						.add((state == TransactionState.IDLE) ? "commit:nothing to send" : "commit:sent");
				}
			}, (method, args, result) -> {
				if (method.getName().equals("prepareStatement") && result instanceof PreparedStatement statement) {
					return recording(statement, (String) args[0]);
				}
				return result;
			});
		}

		private PreparedStatement recording(PreparedStatement statement, String sql) {
			AtomicInteger batched = new AtomicInteger();
			return proxy(PreparedStatement.class, statement, (method, args) -> {
			}, (method, args, result) -> {
				switch (method.getName()) {
					case "addBatch" -> batched.incrementAndGet();
					case "executeBatch" -> JdbcRecorder.this.executions.add("batch of " + batched.getAndSet(0) + ":" + sql);
					case "executeUpdate", "execute" -> JdbcRecorder.this.executions
						.add((sql.endsWith("; COMMIT") ? "update and commit:" : "update:") + sql);
					default -> {
					}
				}
				return result;
			});
		}

	}

	@FunctionalInterface
	private interface AfterCall {

		Object apply(Method method, Object[] args, Object result);

	}

	@FunctionalInterface
	private interface BeforeCall {

		void accept(Method method, Object[] args) throws SQLException;

	}

	private static <T> T proxy(Class<T> type, T target, BeforeCall beforeCall, AfterCall afterCall) {
		InvocationHandler handler = (proxy, method, args) -> {
			try {
				beforeCall.accept(method, (args != null) ? args : new Object[0]);
				Object result = method.invoke(target, args);
				return afterCall.apply(method, (args != null) ? args : new Object[0], result);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		};
		return type.cast(Proxy.newProxyInstance(JdbcRecorder.class.getClassLoader(), new Class<?>[] { type }, handler));
	}

}
