package io.github.outbox.relay;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails.Configuration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The relay's Kafka clients, built from the application's own: the producer from the settings
 * of Spring Boot's {@link ProducerFactory} (so {@code spring.kafka.*}, connection details, SSL
 * bundles and customizers apply) with its listeners (Micrometer's among them), and an admin
 * client with the settings of the application's {@link KafkaAdmin}. On top, what delivery at
 * least once and in order requires.
 */
final class RelayKafkaClients {

	/**
	 * How long a send may wait for topic metadata or buffer space, and a topic operation for an
	 * answer, before the relay reports Kafka unavailable and tries again.
	 */
	static final Duration PATIENCE = Duration.ofSeconds(10);

	private RelayKafkaClients() {
	}

	/**
	 * Returns the relay's producers: one at a time, closed by {@link DefaultKafkaProducerFactory#reset()}.
	 * @param application the application's producer factory, if any
	 * @param properties {@code spring.kafka.*}, used when there is no such factory
	 * @param connectionDetails where Kafka is, likewise
	 * @param clientId the producer's client id
	 * @return the factory
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static DefaultKafkaProducerFactory<byte[], byte[]> producerFactory(@Nullable ProducerFactory<?, ?> application,
			KafkaProperties properties, KafkaConnectionDetails connectionDetails, String clientId) {
		Map<String, Object> settings = new HashMap<>();
		if (application != null) {
			settings.putAll(application.getConfigurationProperties());
		}
		else {
			settings.putAll(properties.buildProducerProperties());
			apply(settings, connectionDetails.getProducer());
		}
		Map<String, Object> producer = producer(settings);
		producer.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
		DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(producer,
				new ByteArraySerializer(), new ByteArraySerializer());
		if (application != null) {
			application.getListeners().forEach((listener) -> factory.addListener((ProducerFactory.Listener) listener));
		}
		// Closing waits a second at most: the relay has drained what it waits for by then, and
		// what Kafka did not acknowledge is sent again at the next start.
		factory.setPhysicalCloseTimeout(1);
		return factory;
	}

	/**
	 * Returns the relay's producer settings: the application's, with what the relay needs.
	 * @param application the application's producer settings
	 * @return the relay's
	 */
	static Map<String, Object> producer(Map<String, Object> application) {
		Map<String, Object> producer = new HashMap<>(application);
		producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		producer.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
		producer.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		producer.put(ProducerConfig.ACKS_CONFIG, "all");
		producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// Retry without end, like a Kafka Connect source task: the relay may not give up on an
		// event, and the producer's own retries keep each partition in order.
		producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
		producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) PATIENCE.toMillis());
		// Measured: 256KiB batches drain a backlog ~65% faster than the 16KiB default.
		producer.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
		// The relay sends a whole batch and then waits for it, so records batch up anyway under
		// load; lingering (5ms by default) only delays each batch. Measured: p50 ~18 -> ~10 ms.
		producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
		return producer;
	}

	/**
	 * Returns the settings of the relay's admin client, which creates event topics.
	 * @param application the application's admin, if any
	 * @param properties {@code spring.kafka.*}, used when there is no such admin
	 * @param connectionDetails where Kafka is, likewise
	 * @param clientId the admin's client id
	 * @return the admin client's settings
	 */
	static Map<String, Object> admin(@Nullable KafkaAdmin application, KafkaProperties properties,
			KafkaConnectionDetails connectionDetails, String clientId) {
		Map<String, Object> settings = new HashMap<>();
		if (application != null) {
			settings.putAll(application.getConfigurationProperties());
		}
		else {
			settings.putAll(properties.buildAdminProperties());
			apply(settings, connectionDetails.getAdmin());
		}
		settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
		// An attempt gives up within the patience, rather than after the client's default minute
		// (closing the admin client waits for its requests).
		settings.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PATIENCE.toMillis());
		settings.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) PATIENCE.toMillis());
		return settings;
	}

	/**
	 * Returns where the relay's producer bootstraps from, for log lines.
	 * @param settings the producer settings
	 * @return the bootstrap servers
	 */
	static String bootstrapServers(Map<String, Object> settings) {
		Object servers = settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
		return (servers instanceof List<?> list) ? String.join(",", list.stream().map(Object::toString).toList())
				: String.valueOf(servers);
	}

	private static void apply(Map<String, Object> properties, Configuration connection) {
		properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.getBootstrapServers());
		String securityProtocol = connection.getSecurityProtocol();
		if (securityProtocol != null && !securityProtocol.isEmpty()) {
			properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
		}
		@Nullable SslBundle sslBundle = connection.getSslBundle();
		if (sslBundle != null) {
			properties.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslBundleSslEngineFactory.class);
			properties.put(SslBundle.class.getName(), sslBundle);
		}
	}

}
