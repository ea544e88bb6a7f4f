package io.github.outbox.relay;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RelayKafkaClients}.
 */
class RelayKafkaClientsTests {

	private final KafkaConnectionDetails connectionDetails = () -> List.of("kafka:9092");

	@Test
	void producerDeliversAtLeastOnceInOrderWhateverTheApplicationConfigures() {
		KafkaProperties properties = new KafkaProperties();
		properties.getProducer().setAcks("1");
		properties.getProducer().setTransactionIdPrefix("tx-");
		properties.getProducer().getProperties().put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
		properties.getProducer().getProperties().put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
		Map<String, Object> producer = RelayKafkaClients
			.producerFactory(null, properties, this.connectionDetails, "outbox-relay-test")
			.getConfigurationProperties();
		assertThat(producer).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
			.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
			.containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE)
			.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("kafka:9092"))
			.containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay-test")
			.doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
	}

	@Test
	void producerTakesTheSettingsOfTheApplicationsProducerFactoryButNotItsTransactions() {
		KafkaProperties properties = new KafkaProperties();
		properties.getProducer().getProperties().put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
		DefaultKafkaProducerFactory<Object, Object> application = new DefaultKafkaProducerFactory<>(
				properties.buildProducerProperties());
		application.updateConfigs(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "customized:9092"));
		application.setTransactionIdPrefix("tx-");
		ProducerFactory.Listener<Object, Object> listener = new ProducerFactory.Listener<>() {
		};
		application.addListener(listener);
		DefaultKafkaProducerFactory<byte[], byte[]> relay = RelayKafkaClients.producerFactory(application,
				new KafkaProperties(), this.connectionDetails, "outbox-relay-test");
		assertThat(relay.getConfigurationProperties()).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
			.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "customized:9092")
			.doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		assertThat(relay.transactionCapable()).isFalse();
		assertThat(relay.getListeners()).hasSize(1);
		assertThat(relay.getKeySerializer()).isInstanceOf(ByteArraySerializer.class);
	}

	@Test
	void producerSendsEachBatchAtOnceInLargeRequests() {
		Map<String, Object> producer = RelayKafkaClients.producer(new KafkaProperties().buildProducerProperties());
		assertThat(producer).containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
			.containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
	}

	@Test
	void applicationMayTuneBatchingItself() {
		KafkaProperties properties = new KafkaProperties();
		properties.getProducer().getProperties().put(ProducerConfig.LINGER_MS_CONFIG, "20");
		properties.getProducer().getProperties().put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
		Map<String, Object> producer = RelayKafkaClients.producer(properties.buildProducerProperties());
		assertThat(producer).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
			.containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
	}

}
