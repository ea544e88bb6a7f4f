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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

	private static final String PID_FILE = "postmaster.pid";

	// An argument of the command line PostgreSQL records in postmaster.opts: quoted or not.
	private static final Pattern ARGUMENT = Pattern.compile("\"([^\"]*)\"|(\\S+)");

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
				.setPGStartupWait(Duration.ofSeconds(30))
				// Not zonky's own hook: at JVM exit it stopped the server while the application
				// was still closing (consumers mid-record waited for the pool's 30 s timeout).
				// The owner closes the server (the Spring bean after everything that uses it, the
				// shared server from its own hook), and the watchdog stops it once the JVM is gone.
				.setRegisterShutdownHook(false);
			settings.forEach(builder::setServerConfig);
			EmbeddedPostgres postgres = builder.start();
			Process watchdog = ServerWatchdog.watch(dataDirectory.resolve(PID_FILE), baseDirectory);
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
	 * Restarts the server and waits until it accepts connections again, as an operator's
	 * restart or a crash would: every connection is ended, replication slots and committed data
	 * stay. The server is signalled as {@code pg_ctl stop} would and started again with the
	 * command line it recorded ({@code postmaster.opts}), in a user namespace of its own when
	 * the JVM runs as root (PostgreSQL refuses root; zonky's launcher does the same).
	 * @param mode how it shuts down
	 */
	public synchronized void restart(Shutdown mode) {
		Path data = this.baseDirectory.resolve("data");
		try {
			List<String> command = new ArrayList<>();
			if ("root".equals(System.getProperty("user.name"))) {
				command.addAll(List.of("unshare", "-U"));
			}
			Matcher argument = ARGUMENT.matcher(Files.readString(data.resolve("postmaster.opts")).trim());
			while (argument.find()) {
				command.add((argument.group(1) != null) ? argument.group(1) : argument.group(2));
			}
			stop(data, mode.signal);
			new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(Redirect.appendTo(this.baseDirectory.resolve("postgres.log").toFile()))
				.start();
			awaitConnections(Duration.ofMinutes(2));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Restarting embedded PostgreSQL failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while restarting embedded PostgreSQL", ex);
		}
	}

	// Signals the postmaster and waits for it, and so for its backends, to exit.
	private static void stop(Path data, String signal) throws IOException, InterruptedException {
		if (!Files.exists(data.resolve(PID_FILE))) {
			return;
		}
		long pid = postmasterPid(data);
		Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
		new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
		if (postmaster.isPresent()) {
			try {
				postmaster.get().onExit().get(2, TimeUnit.MINUTES);
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("PostgreSQL did not stop on SIG" + signal, ex);
			}
		}
	}

	private void awaitConnections(Duration patience) throws InterruptedException {
		long deadline = System.nanoTime() + patience.toNanos();
		while (true) {
			try (Connection connection = this.postgres.getPostgresDatabase().getConnection()) {
				return;
			}
			catch (SQLException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("PostgreSQL did not come back after a restart (see "
							+ this.baseDirectory.resolve("postgres.log") + ")", ex);
				}
				Thread.sleep(100);
			}
		}
	}

	/**
	 * Stops the server and deletes its data directory.
	 */
	@Override
	public synchronized void close() {
		this.watchdog.destroy();
		try {
			// pg_ctl finds the postmaster through the data directory, restarted or not.
			this.postgres.close();
		}
		catch (IOException ex) {
			logger.warn("Stopping embedded PostgreSQL failed", ex);
		}
		try {
			// If pg_ctl failed (it only logs that), the postmaster is signalled directly.
			stop(this.baseDirectory.resolve("data"), Shutdown.FAST.signal);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Stopping embedded PostgreSQL failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
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
		try (Stream<String> lines = Files.lines(dataDirectory.resolve(PID_FILE))) {
			return Long.parseLong(lines.findFirst().orElseThrow().trim());
		}
	}

	/**
	 * How the server shuts down when restarted.
	 */
	public enum Shutdown {

		/** Connections are ended and a shutdown checkpoint is written ({@code SIGINT}). */
		FAST("INT"),

		/** No checkpoint: the start recovers from the WAL, as after a crash ({@code SIGQUIT}). */
		IMMEDIATE("QUIT");

		private final String signal;

		Shutdown(String signal) {
			this.signal = signal;
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
