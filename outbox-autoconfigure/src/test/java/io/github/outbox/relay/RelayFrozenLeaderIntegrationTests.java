package io.github.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of a service relay in child processes while the service commits events. The
 * relaying one is frozen (SIGSTOP: a long pause, a stopped container, a host that stalls): it
 * keeps its connections open but says nothing. The other takes over within the failover lease
 * and delivers what is committed meanwhile; the frozen one, woken up, finds its lease gone and
 * stands by; when the instance that took over is then killed, the one that froze takes over in
 * turn. Nothing is lost, and each aggregate's events arrive in order.
 */
class RelayFrozenLeaderIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(120);

	private static final String RELAYS = "This instance relays the outbox";

	@Test
	void standbyTakesOverWhenTheLeaderFreezesAndTheLeaderStandsDownWhenItWakes() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("frozen");
		Map<String, Instant> committed = new ConcurrentHashMap<>();
		List<String> order = Collections.synchronizedList(new ArrayList<>());
		AtomicBoolean writing = new AtomicBoolean(true);
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext writer = relay.start(Writer.class, "outbox.relay.enabled=false");
				RelayProcess.Running first = RelayProcess.start(relay);
				RelayProcess.Running second = RelayProcess.start(relay)) {
			await().atMost(DELIVERY).until(() -> first.logged(RELAYS) || second.logged(RELAYS));
			RelayProcess.Running leader = first.logged(RELAYS) ? first : second;
			RelayProcess.Running standby = (leader == first) ? second : first;
			await().atMost(DELIVERY).until(() -> standby.logged("this one stands by"));

			Thread writerThread = new Thread(() -> write(writer, committed, order, writing), "writer");
			writerThread.start();
			await().atMost(DELIVERY).until(() -> records.count() >= 100);

			leader.freeze();
			Instant frozen = Instant.now();
			// What the leader had sent before it froze may still arrive: count from events committed
			// a moment later, which only the standby can deliver.
			Instant surelyFrozen = frozen.plusSeconds(1);
			Received firstAfter = await().atMost(DELIVERY)
				.until(() -> firstDeliveryOfAnEventCommittedAfter(records, committed, surelyFrozen),
						(record) -> record != null);
			Duration takeOver = Duration.between(frozen, firstAfter.receivedAt());
			System.out.printf("Frozen leader: the standby's first delivery came %d ms after the freeze%n",
					takeOver.toMillis());
			assertThat(standby.logged(RELAYS)).isTrue();
			assertThat(takeOver).as("standby's first delivery after the leader froze").isLessThan(Duration.ofSeconds(10));

			// Frozen for longer than PostgreSQL's default wal_sender_timeout would let it be.
			await().pollDelay(Duration.ofSeconds(5)).atMost(DELIVERY).until(() -> true);
			leader.thaw();
			await().atMost(DELIVERY).until(() -> leader.logged("lost the relay lock"));
			await().atMost(DELIVERY).until(() -> leader.logText().lastIndexOf("this one stands by") > leader.logText()
				.lastIndexOf("lost the relay lock"));

			int committedAtWake = committed.size();
			await().atMost(DELIVERY).until(() -> committed.size() >= committedAtWake + 100);

			// The instance that took over is killed outright: the one that froze takes over in turn.
			standby.kill();
			Instant killed = Instant.now();
			Received afterKill = await().atMost(DELIVERY)
				.until(() -> firstDeliveryOfAnEventCommittedAfter(records, committed, killed.plusSeconds(1)),
						(record) -> record != null);
			Duration killTakeOver = Duration.between(killed, afterKill.receivedAt());
			System.out.printf("Killed leader: the standby's first delivery came %d ms after the kill%n",
					killTakeOver.toMillis());
			assertThat(killTakeOver).as("standby's first delivery after the leader was killed")
				.isLessThan(Duration.ofSeconds(10));
			int committedAtKill = committed.size();
			await().atMost(DELIVERY).until(() -> committed.size() >= committedAtKill + 100);
			writing.set(false);
			writerThread.join();

			await().atMost(DELIVERY).untilAsserted(
					() -> assertThat(notReceived(committed.keySet(), records)).as("committed events not received").isEmpty());
			assertThat(orderOfFirstArrivals(records)).as("each aggregate's events in commit order")
				.isEqualTo(committedOrder(order));
			List<String> ids = records.records().stream().map(RelayFrozenLeaderIntegrationTests::number).toList();
			System.out.printf("Frozen leader: %d events committed, %d records, %d duplicates%n", committed.size(),
					ids.size(), ids.size() - new HashSet<>(ids).size());
		}
		finally {
			writing.set(false);
		}
	}

	private static Received firstDeliveryOfAnEventCommittedAfter(KafkaRecordCollector records,
			Map<String, Instant> committed, Instant after) {
		return records.records()
			.stream()
			.filter((record) -> {
				Instant at = committed.get(number(record));
				return at != null && at.isAfter(after);
			})
			.min(Comparator.comparing(Received::receivedAt))
			.orElse(null);
	}

	private static Set<String> notReceived(Set<String> expected, KafkaRecordCollector records) {
		Set<String> missing = new HashSet<>(expected);
		records.records().forEach((record) -> missing.remove(number(record)));
		return missing;
	}

	// Per aggregate, the event ids in the order they first arrived: what a consumer with an
	// inbox applies.
	private static Map<String, List<String>> orderOfFirstArrivals(KafkaRecordCollector records) {
		Map<String, List<String>> arrivals = new LinkedHashMap<>();
		Set<String> seen = new HashSet<>();
		records.records()
			.stream()
			.sorted(Comparator.comparingLong(Received::offset))
			.filter((record) -> seen.add(number(record)))
			.forEach((record) -> arrivals.computeIfAbsent(record.key(), (key) -> new ArrayList<>())
				.add(number(record)));
		return arrivals;
	}

	private static String number(Received record) {
		return record.value().replaceAll("\\D", "");
	}

	private static Map<String, List<String>> committedOrder(List<String> order) {
		Map<String, List<String>> byAggregate = new LinkedHashMap<>();
		synchronized (order) {
			for (String entry : order) {
				String[] parts = entry.split("/");
				byAggregate.computeIfAbsent(parts[0], (key) -> new ArrayList<>()).add(parts[1]);
			}
		}
		return byAggregate;
	}

	private static void write(ConfigurableApplicationContext writer, Map<String, Instant> committed, List<String> order,
			AtomicBoolean writing) {
		OutboxPublisher outbox = writer.getBean(OutboxPublisher.class);
		TransactionTemplate transaction = writer.getBean(TransactionTemplate.class);
		int sequence = 0;
		while (writing.get()) {
			// One writer: commit order per aggregate is the order of this loop. Each event is
			// told apart by its number, its payload.
			String aggregate = "meter-" + ThreadLocalRandom.current().nextInt(20);
			String id = Integer.toString(sequence++);
			transaction.executeWithoutResult(
					(status) -> outbox.publish(OutboxMessage.of("meter", aggregate, "Read", Map.of("n", id))));
			committed.put(id, Instant.now());
			order.add(aggregate + "/" + id);
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@JdbcTestApplication
	static class Writer {

	}

}
