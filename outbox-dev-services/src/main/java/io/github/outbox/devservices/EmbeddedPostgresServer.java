package io.github.outbox.devservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the binaries on the class path, configured for logical
 * replication ({@code wal_level=logical}) so that Debezium can read its write-ahead log.
 * <p>
 * The server runs as separate operating-system processes. It stops when {@link #close()} is
 * called or the JVM exits, and a watchdog process stops it when the JVM is killed outright,
 * so that no server outlives the JVM that started it.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

	private static final String USERNAME = "postgres";

	private static final AtomicInteger databaseCounter = new AtomicInteger();

	private static @Nullable EmbeddedPostgresServer shared;

	private final EmbeddedPostgres postgres;

	private final Path baseDirectory;

	private final Process watchdog;

	private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path baseDirectory, Process watchdog) {
		this.postgres = postgres;
		this.baseDirectory = baseDirectory;
		this.watchdog = watchdog;
	}

	/**
	 * Returns the server shared by everything in this JVM, starting it on first use. It is
	 * stopped when the JVM exits.
	 * @return the shared server
	 */
	public static synchronized EmbeddedPostgresServer shared() {
		if (shared == null) {
			EmbeddedPostgresServer server = start();
			Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-shutdown"));
			shared = server;
		}
		return shared;
	}

	/**
	 * Starts a new server in a fresh temporary data directory. The caller closes it.
	 * @return the started server
	 */
	public static EmbeddedPostgresServer start() {
		return start(Map.of());
	}

	/**
	 * Starts a new server with some settings of its own, for example
	 * {@code wal_level=replica} to see what happens without logical replication. The caller
	 * closes it.
	 * @param settings server settings applied over the defaults
	 * @return the started server
	 */
	public static EmbeddedPostgresServer start(Map<String, String> settings) {
		Path baseDirectory = TemporaryDirectories.create("outbox-postgres-", "Embedded PostgreSQL");
		try {
			Path dataDirectory = baseDirectory.resolve("data");
			java.io.File log = baseDirectory.resolve("postgres.log").toFile();
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				.setCleanDataDirectory(true)
				.setServerConfig("wal_level", "logical")
				.setServerConfig("max_replication_slots", "100")
				.setServerConfig("max_wal_senders", "100")
				.setServerConfig("max_connections", "200")
				// The binaries default to synchronous_commit=off; a commit must be durable
				// once it returns, as on any real server.
				.setServerConfig("synchronous_commit", "on")
				.setOutputRedirector(Redirect.appendTo(log))
				.setErrorRedirector(Redirect.appendTo(log))
				.setPGStartupWait(Duration.ofSeconds(30));
			settings.forEach(builder::setServerConfig);
			EmbeddedPostgres postgres = builder.start();
			Process watchdog = ServerWatchdog.watch(postmasterPid(dataDirectory), baseDirectory);
			logger.debug("Started PostgreSQL on port {} in {}", postgres.getPort(), dataDirectory);
			return new EmbeddedPostgresServer(postgres, baseDirectory, watchdog);
		}
		catch (IOException ex) {
			TemporaryDirectories.delete(baseDirectory);
			throw new UncheckedIOException("Embedded PostgreSQL failed to start", ex);
		}
		catch (RuntimeException ex) {
			TemporaryDirectories.delete(baseDirectory);
			throw ex;
		}
	}

	/**
	 * Returns the port the server listens on (loopback only).
	 * @return the port
	 */
	public int port() {
		return this.postgres.getPort();
	}

	/**
	 * Returns the name of the superuser that connections use (no password is needed).
	 * @return the user name
	 */
	public String username() {
		return USERNAME;
	}

	/**
	 * Returns the JDBC URL of a database on this server.
	 * @param database the name of the database
	 * @return the JDBC URL
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://localhost:" + port() + "/" + database;
	}

	/**
	 * Creates a new, empty database with a unique name.
	 * @param prefix the start of the name, for recognising it
	 * @return the new database
	 */
	public Database createDatabase(String prefix) {
		String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + databaseCounter.incrementAndGet();
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Creating database " + name + " failed", ex);
		}
		return new Database(name, jdbcUrl(name), USERNAME);
	}

	/**
	 * Stops the server and deletes its data directory.
	 */
	@Override
	public void close() {
		this.watchdog.destroy();
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			logger.warn("Stopping embedded PostgreSQL failed", ex);
		}
		TemporaryDirectories.delete(this.baseDirectory);
	}

	long serverPid() throws IOException {
		return postmasterPid(this.baseDirectory.resolve("data"));
	}

	Path serverDirectory() {
		return this.baseDirectory;
	}

	private static long postmasterPid(Path dataDirectory) throws IOException {
		// The first line of postmaster.pid is the pid of the server's main process.
		try (Stream<String> lines = Files.lines(dataDirectory.resolve("postmaster.pid"))) {
			return Long.parseLong(lines.findFirst().orElseThrow().trim());
		}
	}

	/**
	 * A database on the server.
	 *
	 * @param name the database name
	 * @param jdbcUrl its JDBC URL
	 * @param username the user to connect as (no password is needed)
	 */
	public record Database(String name, String jdbcUrl, String username) {

		/**
		 * Returns a new, unpooled {@link DataSource} for this database.
		 * @return the data source
		 */
		public DataSource dataSource() {
			PGSimpleDataSource dataSource = new PGSimpleDataSource();
			dataSource.setURL(this.jdbcUrl);
			dataSource.setUser(this.username);
			return dataSource;
		}

	}

}
