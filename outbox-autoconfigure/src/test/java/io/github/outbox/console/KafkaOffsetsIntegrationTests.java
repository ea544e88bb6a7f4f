package io.github.outbox.console;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.outbox.console.PipelineSnapshot.Kafka;
import io.github.outbox.devservices.EmbeddedKafkaServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KafkaOffsets} against a real broker: end offsets of the topics that exist,
 * a topic the relay has not created yet left out rather than taken for an outage, and an
 * unreachable Kafka reported within the console's patience.
 */
class KafkaOffsetsIntegrationTests {

	@Test
	void readsTheEndOffsetsOfTheTopicsThatExist() throws Exception {
		String bootstrapServers = EmbeddedKafkaServer.shared().bootstrapServers();
		String topic = "console.offsets." + System.nanoTime();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
				new StringSerializer())) {
			for (int i = 0; i < 5; i++) {
				producer.send(new ProducerRecord<>(topic, "key-" + i, "value")).get(30, TimeUnit.SECONDS);
			}
		}
		KafkaOffsets offsets = new KafkaOffsets(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
				null);
		try {
			Kafka kafka = offsets.read(Set.of(topic, topic + ".not-created-yet"));
			assertThat(kafka.reachable()).as(String.valueOf(kafka.problem())).isTrue();
			assertThat(kafka.topics()).containsOnly(Map.entry(topic, 5L));
			assertThat(kafka.consumers()).isEmpty();
		}
		finally {
			offsets.destroy();
		}
	}

	@Test
	void unreachableKafkaIsReportedQuickly() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		KafkaOffsets offsets = new KafkaOffsets(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort), null);
		try {
			long started = System.nanoTime();
			Kafka kafka = offsets.read(Set.of("outbox.event.order"));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
			assertThat(kafka.reachable()).isFalse();
			assertThat(kafka.problem()).isNotBlank();
			assertThat(kafka.topics()).isEmpty();
		}
		finally {
			offsets.destroy();
		}
	}

}
