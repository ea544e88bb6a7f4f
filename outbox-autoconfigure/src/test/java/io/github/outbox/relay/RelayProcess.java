package io.github.outbox.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.RelayTestSupport;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;

/**
 * A service that only relays, run in a child JVM so that a test can kill it outright or freeze
 * it. Configured by command-line arguments.
 */
@JdbcTestApplication
public class RelayProcess {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(RelayProcess.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args);
	}

	/**
	 * Starts a relay process on a test's database, slot and topics.
	 * @param relay the test's relay settings
	 * @param properties further properties, {@code name=value}
	 * @return the running process
	 */
	static Running start(RelayTestSupport relay, String... properties) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-cp", System.getProperty("java.class.path"),
				RelayProcess.class.getName()));
		Stream.of(relay.properties()).map((property) -> "--" + property).forEach(command::add);
		Stream.of(properties).map((property) -> "--" + property).forEach(command::add);
		Path log = Path.of("target", "relay-process-" + UUID.randomUUID() + ".log");
		try {
			return new Running(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(),
					log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A relay process.
	 *
	 * @param process the process
	 * @param log where it logs
	 */
	record Running(Process process, Path log) implements AutoCloseable {

		boolean logged(String text) {
			try {
				return Files.exists(this.log) && Files.readString(this.log).contains(text);
			}
			catch (IOException ex) {
				return false;
			}
		}

		String logText() {
			try {
				return Files.readString(this.log);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** Stops the process where it is, as a long pause or a stopped container would (SIGSTOP). */
		void freeze() {
			signal("-STOP");
		}

		/** Lets a frozen process go on (SIGCONT). */
		void thaw() {
			signal("-CONT");
		}

		/** Kills the process outright (SIGKILL): no shutdown hook runs. */
		void kill() throws InterruptedException {
			this.process.destroyForcibly().waitFor();
		}

		private void signal(String signal) {
			if (!this.process.isAlive()) {
				return;
			}
			try {
				new ProcessBuilder("kill", signal, Long.toString(this.process.pid())).inheritIO().start().waitFor();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void close() throws InterruptedException {
			thaw();
			this.process.destroy();
			if (!this.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}

	}

}
