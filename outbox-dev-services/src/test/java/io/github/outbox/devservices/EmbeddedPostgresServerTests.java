package io.github.outbox.devservices;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

class EmbeddedPostgresServerTests {

	@Test
	void sharedServerIsConfiguredForLogicalReplicationAndDurableCommits() throws Exception {
		EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.shared().createDatabase("settings");
		try (Connection connection = database.dataSource().getConnection();
				Statement statement = connection.createStatement();
				ResultSet settings = statement.executeQuery("SELECT current_setting('wal_level'), "
						+ "current_setting('synchronous_commit'), current_database()")) {
			assertThat(settings.next()).isTrue();
			assertThat(settings.getString(1)).isEqualTo("logical");
			assertThat(settings.getString(2)).isEqualTo("on");
			assertThat(settings.getString(3)).isEqualTo(database.name());
		}
	}

	@Test
	void serverListensOnTheLoopbackInterfaceOnly() throws Exception {
		int port = EmbeddedPostgresServer.shared().port();
		InetAddress external = ExternalAddress.find();
		assumeThat(external).as("an address of this machine other than loopback").isNotNull();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ExternalAddress.connect(external, port));
	}

	@Test
	void createdDatabasesAreDistinct() {
		EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
		assertThat(server.createDatabase("same").name()).isNotEqualTo(server.createDatabase("same").name());
	}

	@Test
	void closingStopsTheServerAndDeletesItsDirectory() throws Exception {
		EmbeddedPostgresServer server = EmbeddedPostgresServer.start();
		long pid = server.serverPid();
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
		server.close();
		assertThat(server.serverDirectory()).doesNotExist();
		// The stopped server can linger as a zombie until its parent (init) reaps it.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty());
	}

	@Test
	void restartEndsConnectionsAndKeepsCommittedDataAndSlots() throws Exception {
		try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
			EmbeddedPostgresServer.Database database = server.createDatabase("restart");
			Connection before = database.dataSource().getConnection();
			try (Statement statement = before.createStatement()) {
				statement.execute("CREATE TABLE kept (id int)");
				statement.execute("INSERT INTO kept VALUES (1)");
				statement.execute("SELECT pg_create_logical_replication_slot('kept_slot', 'pgoutput')");
			}
			for (EmbeddedPostgresServer.Shutdown mode : EmbeddedPostgresServer.Shutdown.values()) {
				long pid = server.serverPid();
				server.restart(mode);
				assertThat(server.serverPid()).as("after a %s restart", mode).isNotEqualTo(pid);
				try (Connection after = database.dataSource().getConnection();
						Statement statement = after.createStatement();
						ResultSet kept = statement.executeQuery("SELECT (SELECT count(*) FROM kept), "
								+ "(SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'kept_slot')")) {
					assertThat(kept.next()).isTrue();
					assertThat(kept.getLong(1)).isEqualTo(1);
					assertThat(kept.getLong(2)).isEqualTo(1);
				}
			}
			assertThat(before.isValid(1)).as("a connection from before the restart").isFalse();
			before.close();
		}
	}

	@Test
	void serverDoesNotOutliveAJvmKilledOutright() throws Exception {
		assertServerStopsWhenTheJvmIsKilled(ServerInChildJvm.class.getName());
	}

	@Test
	void restartedServerDoesNotOutliveAJvmKilledOutright() throws Exception {
		assertServerStopsWhenTheJvmIsKilled(ServerInChildJvm.class.getName(), "restart");
	}

	private static void assertServerStopsWhenTheJvmIsKilled(String... mainAndArguments) throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
		command.addAll(List.of(mainAndArguments));
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		long serverPid = readServerPid(child);
		assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive)).contains(true);

		child.destroyForcibly(); // SIGKILL: no shutdown hook runs
		child.waitFor();

		await().atMost(Duration.ofSeconds(30))
			.until(() -> ProcessHandle.of(serverPid).filter(ProcessHandle::isAlive).isEmpty());
	}

	private static long readServerPid(Process child) throws Exception {
		BufferedReader output = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
		Optional<String> line = output.lines().filter((candidate) -> candidate.startsWith("server-pid=")).findFirst();
		return Long.parseLong(line.orElseThrow(() -> new AssertionError("Child JVM printed no server pid"))
			.substring("server-pid=".length()));
	}

}
