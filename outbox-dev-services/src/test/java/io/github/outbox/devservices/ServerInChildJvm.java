package io.github.outbox.devservices;

import java.util.concurrent.CountDownLatch;

/**
 * Run in a child JVM by {@link EmbeddedPostgresServerTests}: starts a server (and restarts it
 * with the argument {@code restart}), prints the pid of its main process and waits to be killed.
 */
public final class ServerInChildJvm {

	private ServerInChildJvm() {
	}

	public static void main(String[] args) throws Exception {
		EmbeddedPostgresServer server = EmbeddedPostgresServer.start();
		if (args.length > 0 && args[0].equals("restart")) {
			server.restart(EmbeddedPostgresServer.Shutdown.FAST);
		}
		System.out.println("server-pid=" + server.serverPid());
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
