package io.github.outbox.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay's process killed outright (SIGKILL, no shutdown hook) while the service keeps
 * committing events, then started again: every committed event arrives, and the duplicates a
 * crash causes are counted and bounded by what was acknowledged after the last position flush.
 */
class RelayProcessCrashIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(120);

	@Test
	void everyCommittedEventArrivesAfterTheRelayProcessIsKilledAndRestarted() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("crash");
		List<String> committed = Collections.synchronizedList(new ArrayList<>());
		AtomicBoolean writing = new AtomicBoolean(true);
		RelayProcess.Running first = RelayProcess.start(relay, "logging.level.root=WARN");
		RelayProcess.Running second = null;
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext writer = startWriter(relay)) {
			// The writer does not relay: the relay process creates the slot and replays what came
			// before it. Writing starts once that first start is over, so that the only duplicates
			// are the ones the crash causes.
			JdbcTemplate jdbc = writer.getBean(JdbcTemplate.class);
			await().atMost(DELIVERY).until(() -> jdbc.queryForObject(
					"SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", Integer.class, relay.slotName()) == 1
					&& jdbc.queryForObject("SELECT count(*) FROM outbox_relay_position WHERE offset_key = ?", Integer.class,
							"outbox-relay:pending-replay") == 0);
			Thread writerThread = new Thread(() -> write(writer, committed, writing), "writer");
			writerThread.start();
			await().atMost(DELIVERY).until(() -> records.count() >= 500);

			first.kill();
			int committedAtKill = committed.size();
			await().atMost(DELIVERY).until(() -> committed.size() >= committedAtKill + 500);

			second = RelayProcess.start(relay, "logging.level.root=WARN");
			int committedAtRestart = committed.size();
			await().atMost(DELIVERY)
				.until(() -> records.count() >= committedAtRestart && committed.size() >= committedAtRestart + 200);
			writing.set(false);
			writerThread.join();

			Set<String> expected = Set.copyOf(committed);
			await().atMost(DELIVERY).untilAsserted(
					() -> assertThat(notReceived(expected, records)).as("committed events not received").isEmpty());
			List<String> log = records.records()
				.stream()
				.sorted(Comparator.comparingLong(Received::offset))
				.map(Received::key)
				.toList();
			int duplicates = log.size() - (int) log.stream().distinct().count();
			System.out.printf("Relay process crash: %d events committed, %d records received, %d duplicates%n",
					expected.size(), log.size(), duplicates);
			assertThat(duplicates).isEqualTo(replayedTail(log));
		}
		finally {
			writing.set(false);
			first.kill();
			if (second != null) {
				second.close();
			}
		}
	}

	/**
	 * Returns the length of the one stretch of the log that the restarted relay sent again:
	 * the events the killed one delivered after its last committed position, replayed in the
	 * same order right after its last record. Zero if nothing was replayed.
	 */
	private static int replayedTail(List<String> log) {
		Map<String, Integer> firstPosition = new HashMap<>();
		for (int i = 0; i < log.size(); i++) {
			Integer earlier = firstPosition.putIfAbsent(log.get(i), i);
			if (earlier != null) {
				int length = i - earlier;
				assertThat(log.subList(i, i + length)).as("replay of the killed relay's last %d records", length)
					.isEqualTo(log.subList(earlier, i));
				return length;
			}
		}
		return 0;
	}

	private static Set<String> notReceived(Set<String> expected, KafkaRecordCollector records) {
		Set<String> missing = new HashSet<>(expected);
		records.records().forEach((record) -> missing.remove(record.key()));
		return missing;
	}

	private static void write(ConfigurableApplicationContext writer, List<String> committed, AtomicBoolean writing) {
		while (writing.get()) {
			publish(writer, committed);
		}
	}

	private static void publish(ConfigurableApplicationContext writer, List<String> committed) {
		String id = UUID.randomUUID().toString();
		writer.getBean(TransactionTemplate.class)
			.executeWithoutResult((status) -> writer.getBean(OutboxPublisher.class)
				.publish(OutboxMessage.of("meter", id, "Read", Map.of())));
		committed.add(id);
	}

	private static ConfigurableApplicationContext startWriter(RelayTestSupport relay) {
		return relay.start(Writer.class, "outbox.relay.enabled=false");
	}

	@JdbcTestApplication
	static class Writer {

	}

}
