package io.github.outbox.cleanup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each cleanup strategy with the real relay: events committed before, during and after
 * cleanup runs that remove their rows, drop their partitions or delete them at once all reach
 * Kafka once, in order per aggregate, and nothing else does.
 */
class CleanupRelayIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	private static final JsonMapper json = new JsonMapper();

	@ParameterizedTest
	@ValueSource(strings = { "retention", "delete-after-insert", "partitions" })
	void everyEventReachesKafkaOnceWhateverTheCleanupRemoves(String strategy) throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("cleanup_relay_" + strategy.replace('-', '_'));
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext context = relay.start(TestApplication.class, "outbox.cleanup.strategy=" + strategy,
						// Everything committed has expired at once: cleanup races the relay.
						"outbox.cleanup.retention=1ms", "outbox.cleanup.interval=1h")) {
			Events events = new Events(context);
			events.publish(100);
			// Several events per transaction: written together, with the commit, in order.
			for (int i = 0; i < 5; i++) {
				events.publishTogether(20);
			}
			String large = events.publishLarge();

			AtomicBoolean writing = new AtomicBoolean(true);
			Thread writer = new Thread(() -> {
				while (writing.get()) {
					events.publish(1);
				}
			});
			writer.start();
			try {
				ScheduledCleanup cleanup = context.getBeanProvider(ScheduledCleanup.class).getIfAvailable();
				for (int run = 1; run <= 5; run++) {
					int before = events.committed();
					await().atMost(DELIVERY).until(() -> events.committed() >= before + 50);
					if (cleanup != null) {
						// Partitions: days later, so that the current range is dropped under the writer.
						Instant now = ("partitions".equals(strategy)) ? Instant.now().plus(Duration.ofDays(run))
								: Instant.now();
						assertThat(cleanup.runOnce(now)).isPresent();
					}
				}
			}
			finally {
				writing.set(false);
				writer.join();
			}
			events.publish(100);

			List<Received> received = events.awaitDelivered(records, relay.topic("cart"));
			assertThat(received).hasSize(events.committed());
			assertThat(received).allSatisfy((record) -> assertThat(record.value()).isNotNull());
			assertThat(events.sequencesByAggregate(received)).isEqualTo(events.expectedSequencesByAggregate());
			List<String> attachments = await().atMost(DELIVERY)
				.until(() -> records.records()
					.stream()
					.filter((record) -> record.topic().equals(relay.topic("attachment")))
					.map((record) -> json.readTree(record.value()).get("blob").asString())
					.toList(), (blobs) -> !blobs.isEmpty());
			assertThat(attachments).hasSize(1);
			// Not compared with containsExactly: a failure would print 200 KB.
			assertThat(attachments.get(0).equals(large)).as("the large payload arrives whole").isTrue();
			if (!"retention".equals(strategy) && !"partitions".equals(strategy)) {
				assertThat(events.rowsInTable()).isZero();
			}
		}
	}

	// Switching to partitions converts the table while events the relay has not read yet sit
	// in the write-ahead log: they still arrive, and so do those written after.
	@Test
	void switchingToPartitionsLosesNoEventTheRelayHadNotReadYet() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("cleanup_switch");
		try (KafkaRecordCollector records = relay.collector()) {
			// The first start creates the slot: from then on, the WAL keeps what it has not read.
			relay.start(TestApplication.class).close();
			Events events;
			try (ConfigurableApplicationContext withoutRelay = relay.start(TestApplication.class,
					"outbox.relay.enabled=false")) {
				events = new Events(withoutRelay);
				events.publish(200);
			}
			try (ConfigurableApplicationContext partitioned = relay.start(TestApplication.class,
					"outbox.cleanup.strategy=partitions")) {
				assertThat(new JdbcTemplate(partitioned.getBean(DataSource.class))
					.queryForObject("SELECT count(*) FROM outbox_event_unpartitioned", Long.class)).isEqualTo(200);
				events.useContext(partitioned);
				events.publish(100);
				List<Received> received = events.awaitDelivered(records, relay.topic("cart"));
				assertThat(received).hasSize(300);
				assertThat(events.sequencesByAggregate(received)).isEqualTo(events.expectedSequencesByAggregate());
			}
		}
	}

	/**
	 * Publishes numbered events over ten aggregates and checks what arrives.
	 */
	private static final class Events {

		private final List<String> committedKeys = Collections.synchronizedList(new ArrayList<>());

		private final AtomicInteger sequence = new AtomicInteger();

		private volatile ConfigurableApplicationContext context;

		Events(ConfigurableApplicationContext context) {
			this.context = context;
		}

		void useContext(ConfigurableApplicationContext context) {
			this.context = context;
		}

		void publish(int count) {
			OutboxPublisher outbox = this.context.getBean(OutboxPublisher.class);
			TransactionTemplate transaction = this.context.getBean(TransactionTemplate.class);
			for (int i = 0; i < count; i++) {
				// One at a time, so that commit order is sequence order.
				synchronized (this) {
					int number = this.sequence.incrementAndGet();
					String aggregate = "cart-" + (number % 10);
					transaction.executeWithoutResult(
							(status) -> outbox.publish(OutboxMessage.of("cart", aggregate, "ItemAdded", Map.of("seq", number))));
					this.committedKeys.add(aggregate + ":" + number);
				}
			}
		}

		void publishTogether(int count) {
			OutboxPublisher outbox = this.context.getBean(OutboxPublisher.class);
			TransactionTemplate transaction = this.context.getBean(TransactionTemplate.class);
			synchronized (this) {
				List<String> keys = new ArrayList<>();
				transaction.executeWithoutResult((status) -> {
					for (int i = 0; i < count; i++) {
						int number = this.sequence.incrementAndGet();
						String aggregate = "cart-" + (number % 10);
						outbox.publish(OutboxMessage.of("cart", aggregate, "ItemAdded", Map.of("seq", number)));
						keys.add(aggregate + ":" + number);
					}
				});
				this.committedKeys.addAll(keys);
			}
		}

		String publishLarge() {
			// Random, so that PostgreSQL cannot compress it: stored out of line (TOAST).
			byte[] bytes = new byte[150_000];
			ThreadLocalRandom.current().nextBytes(bytes);
			String blob = Base64.getEncoder().encodeToString(bytes);
			OutboxPublisher outbox = this.context.getBean(OutboxPublisher.class);
			this.context.getBean(TransactionTemplate.class)
				.executeWithoutResult((status) -> outbox.publish(OutboxMessage.of("attachment", "a-1", "Attached",
						Map.of("blob", blob))));
			return blob;
		}

		int committed() {
			return this.committedKeys.size();
		}

		List<Received> awaitDelivered(KafkaRecordCollector records, String topic) {
			await().atMost(DELIVERY).until(() -> onTopic(records, topic).size() >= committed());
			return onTopic(records, topic);
		}

		Map<String, List<Integer>> sequencesByAggregate(List<Received> received) {
			Map<String, List<Integer>> sequences = new LinkedHashMap<>();
			received.forEach((record) -> sequences.computeIfAbsent(record.key(), (key) -> new ArrayList<>())
				.add(json.readTree(record.value()).get("seq").asInt()));
			return sequences;
		}

		Map<String, List<Integer>> expectedSequencesByAggregate() {
			Map<String, List<Integer>> sequences = new LinkedHashMap<>();
			List.copyOf(this.committedKeys).forEach((key) -> {
				String[] parts = key.split(":");
				sequences.computeIfAbsent(parts[0], (aggregate) -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
			});
			return sequences;
		}

		long rowsInTable() {
			Long count = new JdbcTemplate(this.context.getBean(DataSource.class))
				.queryForObject("SELECT count(*) FROM outbox_event", Long.class);
			return (count != null) ? count : 0;
		}

		private static List<Received> onTopic(KafkaRecordCollector records, String topic) {
			return records.records().stream().filter((record) -> record.topic().equals(topic)).toList();
		}

	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
