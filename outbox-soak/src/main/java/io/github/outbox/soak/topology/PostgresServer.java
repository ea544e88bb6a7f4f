package io.github.outbox.soak.topology;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import io.github.outbox.devservices.EmbeddedPostgresServer;

/**
 * The soak's PostgreSQL: dev services' embedded server (processes of its own, stopped by a
 * watchdog if the soak's JVM dies) with durability as production has it (fsync and
 * synchronous commit on) and logical replication, restarted in fast or immediate mode (a
 * crash: recovery from the WAL) by {@link EmbeddedPostgresServer#restart}, as the pipeline
 * console's failure lab does.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class PostgresServer implements AutoCloseable {

	private final EmbeddedPostgresServer server;

	private PostgresServer(EmbeddedPostgresServer server) {
		this.server = server;
	}

	/**
	 * Starts a server.
	 * @param walSenderTimeout PostgreSQL's {@code wal_sender_timeout}
	 * @return the running server
	 */
	public static PostgresServer start(Duration walSenderTimeout) {
		return new PostgresServer(EmbeddedPostgresServer.start(Map.of("fsync", "on", "full_page_writes", "on",
				"max_replication_slots", "20", "max_wal_senders", "20", "wal_sender_timeout",
				walSenderTimeout.toMillis() + "ms")));
	}

	public int port() {
		return this.server.port();
	}

	public String jdbcUrl(String database) {
		return this.server.jdbcUrl(database);
	}

	public String username() {
		return this.server.username();
	}

	public void createDatabase(String name) {
		try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Creating database " + name + " failed", ex);
		}
	}

	public Connection connect(String database) throws SQLException {
		return DriverManager.getConnection(jdbcUrl(database), username(), "");
	}

	public String version() {
		try (Connection connection = connect("postgres");
				var result = connection.createStatement().executeQuery("SHOW server_version")) {
			result.next();
			return result.getString(1);
		}
		catch (SQLException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
	}

	/**
	 * Restarts the server, waiting until it accepts connections again.
	 * @param mode {@code fast} (connections ended, a clean shutdown) or {@code immediate} (no
	 * shutdown checkpoint: the restart recovers from the WAL, as after a crash)
	 */
	public void restart(String mode) {
		this.server.restart(mode.equals("immediate") ? EmbeddedPostgresServer.Shutdown.IMMEDIATE
				: EmbeddedPostgresServer.Shutdown.FAST);
	}

	@Override
	public void close() {
		this.server.close();
	}

}
