package io.github.outbox.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replay asked for through {@link OutboxReplay} on the real relay: the events of the range
 * arrive a second time exactly as the first, nothing else does, and events written meanwhile
 * keep arriving in order.
 */
class RelayReplayIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@ParameterizedTest
	@ValueSource(strings = { "retention", "partitions" })
	void replayedRangeArrivesAgainIdenticalWhileLiveEventsKeepFlowing(String strategy) throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("replay_" + strategy);
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext context = relay.start(TestApplication.class,
						"outbox.cleanup.strategy=" + strategy)) {
			List<String> before = publish(context, "order", 40);
			Instant from = Instant.now();
			List<String> orders = publish(context, "order", 100);
			List<String> invoices = publish(context, "invoice", 30);
			Instant to = Instant.now();
			List<String> after = publish(context, "order", 40);
			records.awaitKeys(concat(before, orders, invoices, after), TIMEOUT);
			Map<String, Received> originals = records.records()
				.stream()
				.collect(Collectors.toMap(Received::key, Function.identity()));

			OutboxReplay replay = context.getBean(OutboxReplay.class);
			CompletableFuture<Void> live = CompletableFuture.runAsync(() -> publishInSequence(context, 300));
			ReplayRequest ordersOnly = replay.replay(from, to, "order");
			assertThat(ordersOnly.events()).isEqualTo(100);
			Awaitility.await().atMost(TIMEOUT).until(() -> arrivals(records, orders).values().stream().allMatch((n) -> n == 2));
			ReplayRequest all = replay.replay(from, to);
			assertThat(all.events()).isEqualTo(130);
			Awaitility.await().atMost(TIMEOUT).until(() -> arrivals(records, invoices).values().stream().allMatch((n) -> n == 2)
					&& arrivals(records, orders).values().stream().allMatch((n) -> n == 3));
			live.get();
			Awaitility.await().atMost(TIMEOUT).until(() -> sequence(records).size() == 300);

			assertThat(arrivals(records, concat(before, after)).values()).containsOnly(1L);
			for (Received record : records.records()) {
				if (!record.key().equals("live")) {
					assertThat(record).usingRecursiveComparison()
						.ignoringFields("offset", "receivedAt")
						.isEqualTo(originals.get(record.key()));
				}
			}
			assertThat(sequence(records)).isEqualTo(IntStream.range(0, 300).boxed().toList());
			assertThat(records.records()).extracting(Received::topic)
				.allMatch(Set.of(relay.topic("order"), relay.topic("invoice"), relay.topic("stream"))::contains);
		}
	}

	@Test
	void replayInterruptedByARelayRestartResumesAndCompletes() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("replay_restart");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext context = relay.start(TestApplication.class,
					// Many small chunks, so that the replay is still running when the relay stops.
					"outbox.relay.debezium.incremental.snapshot.chunk.size=50")) {
			Instant from = Instant.now();
			List<String> keys = publishInTransactions(context, 4000);
			records.awaitKeys(keys, TIMEOUT);
			int delivered = records.count();

			context.getBean(OutboxReplay.class).replay(from, Instant.now());
			Awaitility.await().atMost(TIMEOUT).until(() -> records.count() > delivered);
			SmartLifecycle relayLifecycle = context.getBean("outboxRelay", SmartLifecycle.class);
			relayLifecycle.stop();
			assertThat(records.count()).as("replayed when the relay stopped").isLessThan(2 * keys.size());
			relayLifecycle.start();

			Awaitility.await().atMost(TIMEOUT).until(() -> arrivals(records, keys).values().stream().allMatch((n) -> n >= 2));
		}
	}

	// Events of distinct aggregates, written 500 to a transaction.
	private static List<String> publishInTransactions(ConfigurableApplicationContext context, int count) {
		OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
		TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
		List<String> ids = IntStream.range(0, count).mapToObj((i) -> UUID.randomUUID().toString()).toList();
		for (int start = 0; start < count; start += 500) {
			List<String> batch = ids.subList(start, Math.min(count, start + 500));
			transaction.executeWithoutResult((status) -> batch
				.forEach((id) -> outbox.publish(OutboxMessage.of("order", id, "Happened", Map.of()))));
		}
		return ids;
	}

	private static List<String> publish(ConfigurableApplicationContext context, String aggregateType, int count) {
		OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
		TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String id = UUID.randomUUID().toString();
			transaction.executeWithoutResult((status) -> outbox.publish(
					OutboxMessage.of(aggregateType, id, "Happened", Map.of("n", 1)).withHeader("tenant", "acme")));
			ids.add(id);
		}
		return ids;
	}

	// Events of one aggregate, numbered, each in a transaction of its own.
	private static void publishInSequence(ConfigurableApplicationContext context, int count) {
		OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
		TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
		for (int i = 0; i < count; i++) {
			int sequence = i;
			transaction.executeWithoutResult(
					(status) -> outbox.publish(OutboxMessage.of("stream", "live", "Ticked", Map.of("sequence", sequence))));
		}
	}

	private static Map<String, Long> arrivals(KafkaRecordCollector records, List<String> keys) {
		Map<String, Long> arrivals = records.records()
			.stream()
			.collect(Collectors.groupingBy(Received::key, Collectors.counting()));
		return keys.stream().collect(Collectors.toMap(Function.identity(), (key) -> arrivals.getOrDefault(key, 0L)));
	}

	private static List<Integer> sequence(KafkaRecordCollector records) {
		return records.records()
			.stream()
			.filter((record) -> "live".equals(record.key()))
			.map((record) -> Integer.valueOf(record.value().replaceAll("\\D", "")))
			.toList();
	}

	@SafeVarargs
	private static List<String> concat(List<String>... lists) {
		return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
