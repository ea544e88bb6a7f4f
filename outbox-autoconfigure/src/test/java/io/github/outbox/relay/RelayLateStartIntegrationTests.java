package io.github.outbox.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing committed is left behind, whenever the relay first runs: events published while the
 * relay was off and no slot existed, or while its slot was gone, reach Kafka once the relay
 * runs, in order per aggregate.
 */
@ExtendWith(OutputCaptureExtension.class)
class RelayLateStartIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "outbox.cleanup.strategy=retention", "outbox.cleanup.strategy=partitions",
			"spring.datasource.hikari.auto-commit=false" })
	void eventsPublishedBeforeTheRelayWasFirstEnabledArriveInOrderPerAggregate(String setting, CapturedOutput output)
			throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("late_" + setting.substring(setting.lastIndexOf('.') + 1));
		String cleanup = setting;
		try (KafkaRecordCollector records = relay.collector()) {
			Map<String, List<String>> published = new LinkedHashMap<>();
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class, "outbox.relay.enabled=false",
					cleanup)) {
				assertThat(slotExists(service, relay)).as("no slot while the relay is off").isFalse();
				publishLifecycles(service, 20, published);
			}
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class, cleanup)) {
				publishLifecycles(service, 5, published);
				records.awaitKeys(List.copyOf(published.keySet()), DELIVERY);
				org.awaitility.Awaitility.await().atMost(DELIVERY).until(() -> received(records).values().stream()
					.mapToInt(List::size).sum() >= published.values().stream().mapToInt(List::size).sum());
			}
			assertThat(received(records)).as("each aggregate's events, once each, in the order they were written")
				.isEqualTo(published);
			assertThat(output).contains("Created replication slot '" + relay.slotName() + "' for the outbox relay",
					"60 events written before replication slot '" + relay.slotName()
							+ "' existed are replayed from the outbox table");
		}
	}

	@Test
	void eventsWrittenWhileTheRelayFirstStartsArriveAndThoseAfterItsSlotArriveOnce() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("first_start");
		List<String> committed = java.util.Collections.synchronizedList(new ArrayList<>());
		java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext writer = relay.start(TestApplication.class, "outbox.relay.enabled=false")) {
			OutboxPublisher outbox = writer.getBean(OutboxPublisher.class);
			TransactionTemplate transaction = writer.getBean(TransactionTemplate.class);
			Thread writerThread = new Thread(() -> {
				while (writing.get()) {
					String id = UUID.randomUUID().toString();
					transaction.executeWithoutResult((status) -> outbox.publish(OutboxMessage.of("meter", id, "Read", Map.of())));
					committed.add(id);
				}
			}, "writer");
			writerThread.start();
			org.awaitility.Awaitility.await().atMost(DELIVERY).until(() -> committed.size() >= 200);
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
				int atStart = committed.size();
				org.awaitility.Awaitility.await().atMost(DELIVERY).until(() -> committed.size() >= atStart + 500);
				writing.set(false);
				writerThread.join();
				records.awaitKeys(List.copyOf(committed), DELIVERY);
			}
			// The replay covers what was written until the slot was ready; events committed while it
			// was being created are both replayed and streamed. Anything later is streamed only.
			JdbcTemplate jdbc = writer.getBean(JdbcTemplate.class);
			String filter = jdbc.queryForObject("SELECT data FROM outbox_signal WHERE id LIKE 'replay-%'", String.class);
			java.util.regex.Matcher end = java.util.regex.Pattern.compile("created_at < '([^']+)'").matcher(filter);
			assertThat(end.find()).as("the replay's end in %s", filter).isTrue();
			java.time.LocalDateTime slotReady = java.time.LocalDateTime.parse(end.group(1).replace(' ', 'T'));
			java.util.Set<String> seen = new java.util.HashSet<>();
			List<String> twice = records.records().stream().map(Received::key).filter((key) -> !seen.add(key)).toList();
			for (String key : twice) {
				java.time.LocalDateTime written = jdbc.queryForObject(
						"SELECT created_at FROM outbox_event WHERE aggregateid = ?", java.time.LocalDateTime.class, key);
				assertThat(written).as("when %s, sent twice, was written", key)
					.isBefore(slotReady)
					.isAfter(slotReady.minusSeconds(1));
			}
		}
		finally {
			writing.set(false);
		}
	}

	@Test
	void eventsWrittenWhileTheSlotWasGoneAreReplayedWhenTheRelayCreatesItAgain(CapturedOutput output) throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("lost_slot");
		try (KafkaRecordCollector records = relay.collector()) {
			List<String> before;
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
				before = RelayTestSupport.publishEach(service, "parcel", 10);
				records.awaitKeys(before, DELIVERY);
			}
			List<String> whileGone;
			try (ConfigurableApplicationContext writer = relay.start(TestApplication.class, "outbox.relay.enabled=false")) {
				writer.getBean(JdbcTemplate.class)
					.queryForObject("SELECT pg_drop_replication_slot(?)::text", String.class, relay.slotName());
				whileGone = RelayTestSupport.publishEach(writer, "parcel", 10);
			}
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
				records.awaitKeys(whileGone, DELIVERY);
			}
			assertThat(output).contains("Replication slot '" + relay.slotName() + "' was missing and has been created again");
		}
	}

	private static void publishLifecycles(ConfigurableApplicationContext service, int aggregates,
			Map<String, List<String>> published) {
		OutboxPublisher outbox = service.getBean(OutboxPublisher.class);
		TransactionTemplate transaction = service.getBean(TransactionTemplate.class);
		for (int i = 0; i < aggregates; i++) {
			String id = UUID.randomUUID().toString();
			for (String type : new String[] { "Placed", "Paid", "Shipped" }) {
				transaction.executeWithoutResult((status) -> outbox.publish(OutboxMessage.of("order", id, type, Map.of())));
				published.computeIfAbsent(id, (key) -> new ArrayList<>()).add(type);
			}
		}
	}

	private static Map<String, List<String>> received(KafkaRecordCollector records) {
		Map<String, List<String>> received = new LinkedHashMap<>();
		records.records()
			.stream()
			.sorted(java.util.Comparator.comparingLong(Received::offset))
			.forEach((record) -> received.computeIfAbsent(record.key(), (key) -> new ArrayList<>())
				.add(record.header("eventType")));
		return received;
	}

	private static boolean slotExists(ConfigurableApplicationContext service, RelayTestSupport relay) {
		return service.getBean(JdbcTemplate.class)
			.queryForObject("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", Integer.class,
					relay.slotName()) == 1;
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
