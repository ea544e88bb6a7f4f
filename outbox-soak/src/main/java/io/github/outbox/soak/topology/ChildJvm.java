package io.github.outbox.soak.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A Java main class run in a JVM of its own, on this JVM's class path, its output appended
 * to a log file: started, stopped gracefully (SIGTERM), killed (SIGKILL), frozen (SIGSTOP)
 * and thawed (SIGCONT).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class ChildJvm {

	private final List<String> command;

	private final Path log;

	private final String mainClass;

	private @Nullable Process process;

	private @Nullable Process watchdog;

	// Kills the child once the soak's JVM is gone, frozen or not (a frozen child cannot halt
	// itself); the pid is checked against the command line so that a reused pid is never hit.
	private static final String WATCHDOG = """
			parent="$1"; child="$2"
			while kill -0 "$parent" 2>/dev/null; do sleep 1; done
			if tr '\\0' ' ' < "/proc/$child/cmdline" 2>/dev/null | grep -q ParentWatch; then
				kill -CONT "$child" 2>/dev/null; kill -KILL "$child" 2>/dev/null
			fi
			""";

	/**
	 * A child JVM, not started yet.
	 * @param heap its maximum heap, such as {@code 256m}
	 * @param log the file its output is appended to
	 * @param options further JVM options
	 * @param mainClass the class whose main method it runs
	 * @param args the arguments
	 */
	public ChildJvm(String heap, Path log, List<String> options, String mainClass, List<String> args) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
		command.addAll(options);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), ParentWatch.class.getName(), mainClass));
		command.addAll(args);
		this.command = command;
		this.log = log;
		this.mainClass = mainClass;
	}

	public synchronized ChildJvm start() {
		if (isAlive()) {
			throw new IllegalStateException(this.mainClass + " is still running (pid " + this.process.pid() + ")");
		}
		try {
			java.nio.file.Files.createDirectories(this.log.getParent());
			this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(Redirect.appendTo(this.log.toFile()))
				.start();
			this.watchdog = new ProcessBuilder("sh", "-c", WATCHDOG, "watchdog", Long.toString(ProcessHandle.current().pid()),
					Long.toString(this.process.pid()))
				.redirectInput(Redirect.from(new java.io.File("/dev/null")))
				.redirectOutput(Redirect.DISCARD)
				.redirectError(Redirect.DISCARD)
				.start();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.mainClass + " (log " + this.log + ")", ex);
		}
	}

	/**
	 * Waits for it to end by itself.
	 * @param timeout how long to wait
	 * @return its exit code
	 */
	public int await(Duration timeout) throws InterruptedException {
		Process running = require();
		if (!running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			running.destroyForcibly();
			throw new IllegalStateException("Still running after " + timeout + ": " + this.mainClass + " (see " + this.log + ")");
		}
		return running.exitValue();
	}

	public synchronized boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	public synchronized long pid() {
		return require().pid();
	}

	/**
	 * Stops it as an orchestrator does (SIGTERM), killing it if it takes longer than the timeout.
	 */
	public void stop(Duration timeout) throws InterruptedException {
		Process running = require();
		thaw();
		running.destroy();
		if (!running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			System.err.println("[soak] " + this.mainClass + " did not stop within " + timeout + " of SIGTERM: killed");
			kill();
		}
		endWatchdog();
	}

	/**
	 * Kills it outright (SIGKILL): no shutdown hook runs.
	 */
	public void kill() throws InterruptedException {
		Process running = require();
		running.destroyForcibly();
		running.waitFor(30, TimeUnit.SECONDS);
		endWatchdog();
	}

	private synchronized void endWatchdog() {
		if (this.watchdog != null && this.process != null && !this.process.isAlive()) {
			this.watchdog.destroy();
			this.watchdog = null;
		}
	}

	public void freeze() {
		signal("STOP");
	}

	public void thaw() {
		if (isAlive()) {
			signal("CONT");
		}
	}

	private void signal(String signal) {
		try {
			new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start().waitFor();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private synchronized Process require() {
		if (this.process == null) {
			throw new IllegalStateException("Not started: " + this.mainClass);
		}
		return this.process;
	}

}
