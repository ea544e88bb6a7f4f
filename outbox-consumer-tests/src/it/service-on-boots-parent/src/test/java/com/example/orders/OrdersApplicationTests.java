package com.example.orders;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on Boot's defaults and dev services: it says where its servers listen, and an
 * order placed reaches Kafka through the embedded relay.
 */
@SpringBootTest(properties = "outbox.dev-services.enabled=true")
@ExtendWith(OutputCaptureExtension.class)
class OrdersApplicationTests {

	@Autowired
	private OrderService orders;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Test
	void bomGivesTheKafkaAndDebeziumTheOutboxIsTestedWith() {
		assertThat(AppInfoParser.getVersion()).isEqualTo(System.getProperty("outbox.tested.kafka"));
		assertThat(io.debezium.connector.postgresql.Module.version())
			.isEqualTo(System.getProperty("outbox.tested.debezium"));
	}

	@Test
	void placedOrderReachesKafkaThroughTheEmbeddedRelay(CapturedOutput output) {
		assertThat(output).contains("Dev services: PostgreSQL at jdbc:postgresql://localhost:", ", Kafka at ");
		UUID id = this.orders.place("alice", new BigDecimal("42.50"));
		Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				String.join(",", this.kafka.getBootstrapServers()), ConsumerConfig.GROUP_ID_CONFIG, "orders-test",
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(List.of("outbox.event.order"));
			List<ConsumerRecord<String, String>> received = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (received.isEmpty() && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(500)).forEach(received::add);
			}
			assertThat(received).singleElement().satisfies((record) -> {
				assertThat(record.key()).isEqualTo(id.toString());
				assertThat(record.value()).contains("alice", "42.5");
				assertThat(new String(record.headers().lastHeader("eventType").value())).isEqualTo("OrderPlaced");
			});
		}
	}

}
