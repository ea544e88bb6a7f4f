package io.github.outbox.devservices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, one combined broker and controller) running inside this JVM,
 * Kafka's own server ({@code KafkaRaftServer}, as {@code kafka-server-start.sh} runs it), listening
 * on the loopback interface only. Automatic topic creation is off, as on most production
 * clusters.
 * <p>
 * A server started with {@link #startWithOutageSwitch()} is reached through a proxy, so that
 * tests can take it off the network ({@link #disconnect()}) and bring it back
 * ({@link #reconnect()}) without stopping it.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedKafkaServer.class);

	private static @Nullable EmbeddedKafkaServer shared;

	private static final Duration STARTUP = Duration.ofMinutes(2);

	private final KafkaRaftServer server;

	private final @Nullable TcpProxy proxy;

	private final Path directory;

	private final String address;

	private EmbeddedKafkaServer(KafkaRaftServer server, @Nullable TcpProxy proxy, Path directory, String address) {
		this.server = server;
		this.proxy = proxy;
		this.directory = directory;
		this.address = address;
	}

	/**
	 * Returns the broker shared by everything in this JVM, starting it on first use.
	 * @return the shared broker
	 */
	public static synchronized EmbeddedKafkaServer shared() {
		if (shared == null) {
			EmbeddedKafkaServer server = start();
			Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-kafka-shutdown"));
			shared = server;
		}
		return shared;
	}

	/**
	 * Starts a new broker. The caller closes it.
	 * @return the started broker
	 */
	public static EmbeddedKafkaServer start() {
		return start(null, Map.of());
	}

	/**
	 * Starts a new broker that clients reach through a proxy which can be cut. The caller
	 * closes it.
	 * @return the started broker
	 */
	public static EmbeddedKafkaServer startWithOutageSwitch() {
		return start(new TcpProxy(), Map.of());
	}

	/**
	 * Starts a new broker with settings of the caller's over the defaults: for tests.
	 * @param overrides broker settings
	 * @return the started broker
	 */
	static EmbeddedKafkaServer start(Map<String, String> overrides) {
		return start(null, overrides);
	}

	private static EmbeddedKafkaServer start(@Nullable TcpProxy proxy, Map<String, String> overrides) {
		KafkaVersion.requireTheOneDevServicesIsBuiltFor();
		// Our own directory, deleted by close(): the broker, finding its log directory gone
		// while it still runs, halts the JVM with status 1.
		Path directory = TemporaryDirectories.create("outbox-kafka-", "Embedded Kafka");
		try {
			for (int attempt = 1;; attempt++) {
				try {
					return start(proxy, directory, overrides);
				}
				catch (PortTakenException ex) {
					// Another process took a free port between our look and the broker's bind.
					if (attempt == 3) {
						throw ex;
					}
					logger.debug("Embedded Kafka's port was taken meanwhile; trying other ports", ex);
					TemporaryDirectories.delete(directory);
					directory = TemporaryDirectories.create("outbox-kafka-", "Embedded Kafka");
				}
			}
		}
		catch (Exception | LinkageError ex) {
			if (proxy != null) {
				proxy.close();
			}
			TemporaryDirectories.delete(directory);
			throw new IllegalStateException("Embedded Kafka failed to start", ex);
		}
	}

	private static EmbeddedKafkaServer start(@Nullable TcpProxy proxy, Path directory, Map<String, String> overrides)
			throws Exception {
		int brokerPort = freeLoopbackPort();
		int controllerPort = freeLoopbackPort();
		Properties settings = settings(directory, brokerPort, controllerPort,
				(proxy != null) ? proxy.port() : brokerPort);
		settings.putAll(overrides);
		Path file = directory.resolve("server.properties");
		try (Writer writer = Files.newBufferedWriter(file)) {
			settings.store(writer, "Embedded Kafka (outbox dev services)");
		}
		format(file);
		KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(settings), Time.SYSTEM);
		try {
			server.startup();
		}
		catch (RuntimeException ex) {
			shutdownQuietly(server);
			if (hasCause(ex, BindException.class)) {
				throw new PortTakenException(ex);
			}
			throw ex;
		}
		if (proxy != null) {
			proxy.forwardTo(brokerPort);
		}
		String address = "127.0.0.1:" + brokerPort;
		try {
			awaitReady(address);
		}
		catch (Exception ex) {
			shutdownQuietly(server);
			throw ex;
		}
		EmbeddedKafkaServer started = new EmbeddedKafkaServer(server, proxy, directory, address);
		logger.debug("Started Kafka at {}", started.bootstrapServers());
		return started;
	}

	/**
	 * One combined broker and controller node, listening on the loopback interface only.
	 */
	private static Properties settings(Path directory, int brokerPort, int controllerPort, int advertisedPort) {
		Properties settings = new Properties();
		settings.put("process.roles", "broker,controller");
		settings.put("node.id", "1");
		settings.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
		settings.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
		// Clients connect where the broker says it is: the proxy, when there is one.
		settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + advertisedPort);
		settings.put("controller.listener.names", "CONTROLLER");
		settings.put("inter.broker.listener.name", "PLAINTEXT");
		settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
		settings.put("log.dirs", directory.resolve("data").toString());
		settings.put("auto.create.topics.enable", "false");
		settings.put("group.initial.rebalance.delay.ms", "0");
		// One broker: the internal topics cannot have the default three replicas.
		settings.put("offsets.topic.replication.factor", "1");
		settings.put("offsets.topic.num.partitions", "1");
		settings.put("transaction.state.log.replication.factor", "1");
		settings.put("transaction.state.log.min.isr", "1");
		settings.put("share.coordinator.state.topic.replication.factor", "1");
		// The log cleaner's buffer is allocated at start: 128 MB of heap by default.
		settings.put("log.cleaner.dedupe.buffer.size", "2097152");
		return settings;
	}

	private static void format(Path file) {
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		int status = StorageTool.execute(new String[] { "format", "-t", Uuid.randomUuid().toString(), "-c",
				file.toString(), "--standalone" }, new PrintStream(output, true, StandardCharsets.UTF_8));
		if (status != 0) {
			throw new IllegalStateException(
					"Formatting Kafka's storage failed: " + output.toString(StandardCharsets.UTF_8).strip());
		}
	}

	private static void awaitReady(String address) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address,
				AdminClientConfig.CLIENT_ID_CONFIG, "outbox-dev-services-readiness"))) {
			admin.describeCluster().nodes().get(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private static int freeLoopbackPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static void shutdownQuietly(KafkaRaftServer server) {
		try {
			server.shutdown();
			server.awaitShutdown();
		}
		catch (RuntimeException ex) {
			logger.debug("Stopping the embedded Kafka that failed to start failed too", ex);
		}
	}

	/**
	 * Returns the address clients bootstrap from.
	 * @return the bootstrap servers
	 */
	public String bootstrapServers() {
		return (this.proxy != null) ? "127.0.0.1:" + this.proxy.port() : this.address;
	}

	/**
	 * Returns whether clients reach the broker through a proxy that {@link #disconnect()} cuts.
	 * @return whether the broker was started with an outage switch
	 */
	public boolean hasOutageSwitch() {
		return this.proxy != null;
	}

	/**
	 * Takes the broker off the network: open connections are closed and new ones refused.
	 * @throws IllegalStateException if the broker was not started with an outage switch
	 */
	public void disconnect() {
		requireProxy().cut();
	}

	/**
	 * Brings the broker back after {@link #disconnect()}.
	 * @throws IllegalStateException if the broker was not started with an outage switch
	 */
	public void reconnect() {
		requireProxy().restore();
	}

	@Override
	public void close() {
		if (this.proxy != null) {
			this.proxy.close();
		}
		try {
			this.server.shutdown();
			this.server.awaitShutdown();
		}
		catch (RuntimeException ex) {
			logger.warn("Stopping embedded Kafka failed", ex);
		}
		TemporaryDirectories.delete(this.directory);
	}

	Path directory() {
		return this.directory;
	}

	private TcpProxy requireProxy() {
		if (this.proxy == null) {
			throw new IllegalStateException("This broker was not started with an outage switch");
		}
		return this.proxy;
	}

	/**
	 * A port chosen free was bound by another process before the broker bound it.
	 */
	private static final class PortTakenException extends RuntimeException {

		PortTakenException(Throwable cause) {
			super(cause.getMessage(), cause);
		}

	}

}
