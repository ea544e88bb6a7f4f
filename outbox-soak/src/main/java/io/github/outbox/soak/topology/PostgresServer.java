package io.github.outbox.soak.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server in processes of its own, from the embedded binaries, with durability as
 * production has it (fsync and synchronous commit on) and logical replication: restarted
 * with {@code pg_ctl restart} in fast or immediate mode (a crash: recovery from the WAL), and
 * stopped by a watchdog if the soak's JVM dies.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class PostgresServer implements AutoCloseable {

	// The watchdog stops the server once the JVM is gone; the server's pid changes with every
	// restart, so it is read from the data directory then.
	private static final String WATCHDOG = """
			jvm="$1"; data="$2"
			while kill -0 "$jvm" 2>/dev/null; do sleep 1; done
			pid=$(head -1 "$data/postmaster.pid" 2>/dev/null)
			[ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null
			""";

	private static final java.util.regex.Pattern ARGUMENT = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)");

	private final EmbeddedPostgres postgres;

	private final Path data;

	private final Process watchdog;

	private PostgresServer(EmbeddedPostgres postgres, Path data, Process watchdog) {
		this.postgres = postgres;
		this.data = data;
		this.watchdog = watchdog;
	}

	/**
	 * Starts a server with its data in the given directory (emptied first).
	 * @param directory where the data and the log go
	 * @param walSenderTimeout PostgreSQL's {@code wal_sender_timeout}
	 * @return the running server
	 */
	public static PostgresServer start(Path directory, Duration walSenderTimeout) {
		try {
			Path data = directory.resolve("data");
			Files.createDirectories(directory);
			java.io.File log = directory.resolve("postgres.log").toFile();
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setDataDirectory(data)
				.setCleanDataDirectory(true)
				.setServerConfig("wal_level", "logical")
				.setServerConfig("fsync", "on")
				.setServerConfig("synchronous_commit", "on")
				.setServerConfig("full_page_writes", "on")
				.setServerConfig("max_replication_slots", "20")
				.setServerConfig("max_wal_senders", "20")
				.setServerConfig("max_connections", "200")
				.setServerConfig("wal_sender_timeout", walSenderTimeout.toMillis() + "ms")
				.setOutputRedirector(Redirect.appendTo(log))
				.setErrorRedirector(Redirect.appendTo(log))
				.setPGStartupWait(Duration.ofSeconds(60))
				.start();
			Process watchdog = new ProcessBuilder("sh", "-c", WATCHDOG, "watchdog",
					Long.toString(ProcessHandle.current().pid()), data.toString())
				.redirectInput(Redirect.from(new java.io.File("/dev/null")))
				.redirectOutput(Redirect.DISCARD)
				.redirectError(Redirect.DISCARD)
				.start();
			return new PostgresServer(postgres, data, watchdog);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("PostgreSQL failed to start", ex);
		}
	}

	public int port() {
		return this.postgres.getPort();
	}

	public String jdbcUrl(String database) {
		return "jdbc:postgresql://localhost:" + port() + "/" + database;
	}

	public String username() {
		return "postgres";
	}

	public void createDatabase(String name) {
		execute("postgres", "CREATE DATABASE " + name);
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
	 * Restarts the server, waiting until it accepts connections again: the postmaster is
	 * signalled as {@code pg_ctl} would, and started again with the command line it recorded,
	 * in a user namespace of its own when the soak runs as root (PostgreSQL refuses root; the
	 * embedded binaries' launcher does the same).
	 * @param mode {@code fast} (connections ended, a clean shutdown) or {@code immediate} (no
	 * shutdown checkpoint: the restart recovers from the WAL, as after a crash)
	 */
	public void restart(String mode) throws IOException, InterruptedException {
		List<String> command = new java.util.ArrayList<>();
		if ("root".equals(System.getProperty("user.name"))) {
			command.addAll(List.of("unshare", "-U"));
		}
		java.util.regex.Matcher argument = ARGUMENT.matcher(Files.readString(this.data.resolve("postmaster.opts")).trim());
		while (argument.find()) {
			command.add((argument.group(1) != null) ? argument.group(1) : argument.group(2));
		}
		stop(mode.equals("immediate") ? "QUIT" : "INT");
		new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(Redirect.appendTo(this.data.resolveSibling("postgres.log").toFile()))
			.start();
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (true) {
			try (Connection connection = connect("postgres")) {
				return;
			}
			catch (SQLException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("PostgreSQL did not come back (see "
							+ this.data.resolveSibling("postgres.log") + ")", ex);
				}
				Thread.sleep(100);
			}
		}
	}

	// Signals the postmaster (INT: fast shutdown, QUIT: immediate) and waits for it to exit.
	private void stop(String signal) throws IOException, InterruptedException {
		Path pidFile = this.data.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
		java.util.Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
		new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
		if (postmaster.isPresent()) {
			try {
				postmaster.get().onExit().get(2, java.util.concurrent.TimeUnit.MINUTES);
			}
			catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
				throw new IllegalStateException("PostgreSQL did not stop on SIG" + signal, ex);
			}
		}
		// Its children (the backends) are gone once the postmaster is.
	}

	private void execute(String database, String sql) {
		try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + " failed", ex);
		}
	}

	@Override
	public void close() throws Exception {
		try {
			// pg_ctl finds the postmaster through the data directory, restarted or not; if it
			// failed (it only logs that), the postmaster is signalled directly.
			this.postgres.close();
		}
		finally {
			stop("INT");
			this.watchdog.destroy();
		}
	}

}
