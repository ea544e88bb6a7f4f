package io.github.outbox.devservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Forwards loopback TCP connections to a port, and can cut them: every open connection is
 * closed and new ones are refused until it is restored. Stands between Kafka clients and a
 * broker to simulate an outage (the dev services' outage switch, and the soak's), or between
 * an application and PostgreSQL to add a network's latency (the benchmarks). It can also
 * {@linkplain #silence() go silent}, as a network that drops packets without a word: nothing
 * is closed, nothing arrives.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile int upstreamPort;

	private volatile boolean connected = true;

	private volatile boolean silent;

	private volatile long latencyNanos;

	/**
	 * Opens the proxy on a free loopback port; it forwards nowhere until told where.
	 */
	public TcpProxy() {
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread acceptor = new Thread(this::accept, "tcp-proxy-" + port());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Returns the loopback port clients connect to.
	 * @return the port
	 */
	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Forwards new connections to a loopback port.
	 * @param upstreamPort the port
	 */
	public void forwardTo(int upstreamPort) {
		this.upstreamPort = upstreamPort;
	}

	/**
	 * Delays every chunk of data forwarded in either direction, as a network between client
	 * and server would: a request and its answer then take twice the latency more.
	 * @param latency the one-way delay, zero for none
	 */
	public void setLatency(Duration latency) {
		this.latencyNanos = latency.toNanos();
	}

	/**
	 * Closes every open connection and refuses new ones until {@link #restore()}.
	 */
	public void cut() {
		this.connected = false;
		closeAll();
	}

	/**
	 * Forwards nothing more, in either direction, and closes nothing: the connections stay open
	 * and new ones are accepted, but what is sent on them never arrives, as when a network drops
	 * packets silently. Only a client's own timeouts notice. {@link #restore()} ends it.
	 */
	public void silence() {
		this.silent = true;
	}

	/**
	 * Accepts and forwards connections again. After {@link #silence()}, the connections it held
	 * open are closed first: what they sent meanwhile is lost, as it would be on a network.
	 */
	public void restore() {
		if (this.silent) {
			closeAll();
			this.silent = false;
		}
		this.connected = true;
	}

	@Override
	public void close() {
		cut();
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing
		}
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				if (!this.connected || this.upstreamPort == 0) {
					client.close();
					continue;
				}
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.upstreamPort);
				// Forward each message at once: PostgreSQL's and Kafka's clients do the same.
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(upstream);
				if (!this.connected) {
					// Cut while this connection was being made: cut() may have missed it.
					closeQuietly(client);
					closeQuietly(upstream);
					continue;
				}
				pump(client, upstream);
				pump(upstream, client);
			}
			catch (IOException ex) {
				// a refused or broken connection: the client sees it and retries
			}
		}
	}

	private void pump(Socket from, Socket to) {
		Thread pump = new Thread(() -> {
			// Not closed by a try-with-resources: closing a socket's stream closes the socket.
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				byte[] buffer = new byte[65536];
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (this.silent) {
						continue;
					}
					long latency = this.latencyNanos;
					if (latency > 0) {
						LockSupport.parkNanos(latency);
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// connection closed
			}
			finally {
				closeQuietly(from);
				this.sockets.remove(from);
				// A silent network does not pass the end of a connection on either.
				if (!this.silent) {
					closeQuietly(to);
					this.sockets.remove(to);
				}
			}
		}, "tcp-proxy-pump");
		pump.setDaemon(true);
		pump.start();
	}

	private void closeAll() {
		this.sockets.forEach(TcpProxy::closeQuietly);
		this.sockets.clear();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
