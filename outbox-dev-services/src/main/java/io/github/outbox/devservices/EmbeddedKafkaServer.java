package io.github.outbox.devservices;

import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, one combined broker and controller) running inside this JVM.
 * Automatic topic creation is off, as on most production clusters.
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

	private final KafkaClusterTestKit cluster;

	private final @Nullable TcpProxy proxy;

	private final Path directory;

	private EmbeddedKafkaServer(KafkaClusterTestKit cluster, @Nullable TcpProxy proxy, Path directory) {
		this.cluster = cluster;
		this.proxy = proxy;
		this.directory = directory;
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
		return start(null);
	}

	/**
	 * Starts a new broker that clients reach through a proxy which can be cut. The caller
	 * closes it.
	 * @return the started broker
	 */
	public static EmbeddedKafkaServer startWithOutageSwitch() {
		return start(new TcpProxy());
	}

	private static EmbeddedKafkaServer start(@Nullable TcpProxy proxy) {
		KafkaVersion.requireTheOneDevServicesIsBuiltFor();
		TestKitNodes.Builder nodes = new TestKitNodes.Builder().setCombined(true)
			.setNumBrokerNodes(1)
			.setNumControllerNodes(1);
		if (proxy != null) {
			// Clients connect where the broker says it is: make that the proxy.
			nodes.setPerServerProperties(
					Map.of(0, Map.of("advertised.listeners", "EXTERNAL://localhost:" + proxy.port())));
		}
		// Our own directory, deleted by close(): left to the test kit, it comes with a JVM
		// shutdown hook that deletes it while the application may still be shutting down, and
		// the broker, finding its log directory gone, halts the JVM with status 1.
		Path directory = TemporaryDirectories.create("outbox-kafka-", "Embedded Kafka");
		KafkaClusterTestKit cluster = null;
		try {
			nodes.setBaseDirectory(directory);
			TestKitNodes built = nodes.build();
			cluster = new KafkaClusterTestKit.Builder(built).setDeleteOnClose(true)
				.setConfigProp("auto.create.topics.enable", "false")
				.setConfigProp("group.initial.rebalance.delay.ms", "0")
				// One broker: the internal topics cannot have the default three replicas.
				.setConfigProp("offsets.topic.replication.factor", "1")
				.setConfigProp("offsets.topic.num.partitions", "1")
				.setConfigProp("transaction.state.log.replication.factor", "1")
				.setConfigProp("transaction.state.log.min.isr", "1")
				.setConfigProp("share.coordinator.state.topic.replication.factor", "1")
				.build();
			cluster.format();
			cluster.startup();
			cluster.waitForReadyBrokers();
			if (proxy != null) {
				proxy.forwardTo(cluster.brokers().get(0).boundPort(built.brokerListenerName()));
			}
			EmbeddedKafkaServer server = new EmbeddedKafkaServer(cluster, proxy, directory);
			logger.debug("Started Kafka at {}", server.bootstrapServers());
			return server;
		}
		catch (Exception | LinkageError ex) {
			if (proxy != null) {
				proxy.close();
			}
			closeQuietly(cluster);
			TemporaryDirectories.delete(directory);
			throw new IllegalStateException("Embedded Kafka failed to start", ex);
		}
	}

	/**
	 * Returns the address clients bootstrap from.
	 * @return the bootstrap servers
	 */
	public String bootstrapServers() {
		return (this.proxy != null) ? "localhost:" + this.proxy.port() : this.cluster.bootstrapServers();
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
			this.cluster.close();
		}
		catch (Exception ex) {
			logger.warn("Stopping embedded Kafka failed", ex);
		}
	}

	private static void closeQuietly(@Nullable KafkaClusterTestKit cluster) {
		if (cluster != null) {
			try {
				cluster.close();
			}
			catch (Exception ex) {
				logger.debug("Stopping the embedded Kafka that failed to start failed too", ex);
			}
		}
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

}
