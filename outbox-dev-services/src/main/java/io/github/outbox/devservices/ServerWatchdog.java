package io.github.outbox.devservices;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;

/**
 * Starts a small shell process that waits for this JVM to end and then stops a server the JVM
 * started. Shutdown hooks cover a normal exit; this covers a JVM killed outright
 * ({@code kill -9}, an out-of-memory kill), after which the server would otherwise run on
 * with nobody to stop it.
 */
final class ServerWatchdog {

	// Polls once a second: the JVM going away is rare and a second's delay is harmless. The pid
	// is read from the server's pid file then (a restarted server has a new one) and checked
	// against the server's command line so that a reused pid is never signalled.
	private static final String SCRIPT = """
			jvm="$1"; pidfile="$2"; dir="$3"
			while kill -0 "$jvm" 2>/dev/null; do sleep 1; done
			server=$(head -1 "$pidfile" 2>/dev/null)
			if [ -n "$server" ] && tr '\\0' ' ' < "/proc/$server/cmdline" 2>/dev/null | grep -q -- "$dir"; then
				kill -QUIT "$server" 2>/dev/null
				while kill -0 "$server" 2>/dev/null; do sleep 0.2; done
			fi
			rm -rf "$dir"
			""";

	private ServerWatchdog() {
	}

	/**
	 * Watches a server process.
	 * @param pidFile the file whose first line is the pid of the server's main process, signalled
	 * with {@code SIGQUIT} (immediate shutdown) once the JVM is gone
	 * @param directory the server's directory, which appears on its command line and is
	 * deleted afterwards
	 * @return the watchdog process, to be destroyed when the server is stopped normally
	 * @throws IOException if the watchdog cannot be started
	 */
	static Process watch(Path pidFile, Path directory) throws IOException {
		return new ProcessBuilder("sh", "-c", SCRIPT, "watchdog", Long.toString(ProcessHandle.current().pid()),
				pidFile.toString(), directory.toString())
			.redirectInput(Redirect.from(new java.io.File("/dev/null")))
			.redirectOutput(Redirect.DISCARD)
			.redirectError(Redirect.DISCARD)
			.start();
	}

}
