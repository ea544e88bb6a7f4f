package io.github.outbox.soak.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.outbox.devservices.TcpProxy;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker (KRaft, broker and controller in one node) in a JVM of its own, its data
 * kept across restarts, that clients reach through a {@link TcpProxy}: stopped and started
 * again like a real server, or cut off from its clients while it runs.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class KafkaBroker implements AutoCloseable {

	/**
	 * Partitions of every topic the broker creates, the event topics among them.
	 */
	public static final int PARTITIONS = 3;

	private final Path directory;

	private final TcpProxy proxy;

	private final int brokerPort;

	private final ChildJvm jvm;

	private KafkaBroker(Path directory, TcpProxy proxy, int brokerPort, ChildJvm jvm) {
		this.directory = directory;
		this.proxy = proxy;
		this.brokerPort = brokerPort;
		this.jvm = jvm;
	}

	/**
	 * Formats a new broker in the directory and starts it.
	 * @param directory its configuration, data and log
	 * @return the running broker
	 */
	public static KafkaBroker start(Path directory) throws IOException, InterruptedException {
		Files.createDirectories(directory);
		TcpProxy proxy = new TcpProxy();
		int brokerPort = freePort();
		int controllerPort = freePort();
		Path properties = directory.resolve("server.properties");
		Files.writeString(properties, String.join("\n", "process.roles=broker,controller", "node.id=1",
				"controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
				"listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
				// Clients connect where the broker says it is: the proxy.
				"advertised.listeners=PLAINTEXT://localhost:" + proxy.port(), "controller.listener.names=CONTROLLER",
				"inter.broker.listener.name=PLAINTEXT",
				"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
				"log.dirs=" + directory.resolve("logs"), "auto.create.topics.enable=false",
				"offsets.topic.replication.factor=1", "offsets.topic.num.partitions=4", "num.partitions=" + PARTITIONS,
				"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
				"share.coordinator.state.topic.replication.factor=1", "group.initial.rebalance.delay.ms=0", ""));
		Path log = directory.resolve("kafka.log");
		List<String> options = List.of("-Dlogback.configurationFile=soak-child-logback.xml");
		int formatted;
		try {
			formatted = new ChildJvm("256m", log, options, "kafka.tools.StorageTool", List.of("format", "-t",
				Uuid.randomUuid().toString(), "-c", properties.toString(), "--standalone"))
			.start()
			.await(Duration.ofMinutes(2));
		}
		catch (RuntimeException | InterruptedException ex) {
			proxy.close();
			throw ex;
		}
		if (formatted != 0) {
			proxy.close();
			throw new IllegalStateException("Formatting Kafka's storage failed (see " + log + ")");
		}
		ChildJvm jvm = new ChildJvm("768m", log, options, "kafka.Kafka", List.of(properties.toString()));
		KafkaBroker broker = new KafkaBroker(directory, proxy, brokerPort, jvm);
		try {
			broker.startBroker();
			return broker;
		}
		catch (RuntimeException | InterruptedException ex) {
			broker.close();
			throw ex;
		}
	}

	public String bootstrapServers() {
		return "localhost:" + this.proxy.port();
	}

	/**
	 * Creates topics, with the broker's partitions, as an operator would before the services
	 * first run.
	 * @param names the topics
	 */
	public void createTopics(List<String> names) throws Exception {
		try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin
			.create(java.util.Map.of("bootstrap.servers", bootstrapServers()))) {
			admin.createTopics(names.stream()
				.map((name) -> new org.apache.kafka.clients.admin.NewTopic(name, PARTITIONS, (short) 1))
				.toList()).all().get();
		}
	}

	/**
	 * Starts the broker again after {@link #stopBroker()}, with its data.
	 */
	public void startBroker() throws InterruptedException {
		this.jvm.start();
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (!accepts(this.brokerPort)) {
			if (!this.jvm.isAlive() || System.nanoTime() > deadline) {
				throw new IllegalStateException("Kafka did not start (see " + this.directory.resolve("kafka.log") + ")");
			}
			Thread.sleep(200);
		}
		this.proxy.forwardTo(this.brokerPort);
	}

	/**
	 * Stops the broker as an orchestrator does (SIGTERM: a controlled shutdown).
	 */
	public void stopBroker() throws InterruptedException {
		this.jvm.stop(Duration.ofSeconds(60));
	}

	/**
	 * Cuts every client connection and refuses new ones, the broker running on.
	 */
	public void cut() {
		this.proxy.cut();
	}

	public void restore() {
		this.proxy.restore();
	}

	@Override
	public void close() throws InterruptedException {
		this.proxy.close();
		if (this.jvm.isAlive()) {
			this.jvm.kill();
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
