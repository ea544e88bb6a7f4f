package io.github.outbox.relay;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

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
		Map<String, Object> producer = RelayKafkaClients.producer(properties, this.connectionDetails);
		assertThat(producer).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
			.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
			.containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE)
			.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("kafka:9092"))
			.doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
	}

	@Test
	void producerSendsEachBatchAtOnceInLargeRequests() {
		Map<String, Object> producer = RelayKafkaClients.producer(new KafkaProperties(), this.connectionDetails);
		assertThat(producer).containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
			.containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
	}

	@Test
	void applicationMayTuneBatchingItself() {
		KafkaProperties properties = new KafkaProperties();
		properties.getProducer().getProperties().put(ProducerConfig.LINGER_MS_CONFIG, "20");
		properties.getProducer().getProperties().put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
		Map<String, Object> producer = RelayKafkaClients.producer(properties, this.connectionDetails);
		assertThat(producer).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
			.containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
	}

}
