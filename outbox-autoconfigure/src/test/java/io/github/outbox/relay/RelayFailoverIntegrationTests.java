package io.github.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of one service on one database: one relays, the other stands by and takes
 * over when the first stops.
 */
class RelayFailoverIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	@Test
	void oneInstanceRelaysAndTheOtherTakesOverWhenItStops() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("failover");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext first = relay.start(TestApplication.class);
				ConfigurableApplicationContext second = relay.start(TestApplication.class)) {
			OutboxRelay firstRelay = first.getBean(OutboxRelay.class);
			OutboxRelay secondRelay = second.getBean(OutboxRelay.class);
			await().atMost(DELIVERY).until(() -> firstRelay.isRelaying() || secondRelay.isRelaying());
			assertThat(firstRelay.isRelaying() && secondRelay.isRelaying()).as("both relaying").isFalse();

			List<String> published = new ArrayList<>(RelayTestSupport.publishEach(first, "shift", 50));
			published.addAll(RelayTestSupport.publishEach(second, "shift", 50));
			records.awaitKeys(published, DELIVERY);
			assertThat(firstRelay.isRelaying() && secondRelay.isRelaying()).as("both relaying").isFalse();

			boolean firstLeads = firstRelay.isRelaying();
			ConfigurableApplicationContext leader = firstLeads ? first : second;
			ConfigurableApplicationContext standby = firstLeads ? second : first;
			OutboxRelay standbyRelay = standby.getBean(OutboxRelay.class);
			assertThat(standbyRelay.isRelaying()).isFalse();

			Instant stopped = Instant.now();
			leader.close();
			await().atMost(DELIVERY).until(standbyRelay::isRelaying);
			Duration takeover = Duration.between(stopped, Instant.now());
			assertThat(takeover).as("take-over time").isLessThan(Duration.ofSeconds(15));

			published.addAll(RelayTestSupport.publishEach(standby, "shift", 100));
			records.awaitKeys(published, DELIVERY);
			System.out.printf("Graceful hand-over: the standby relayed %d ms after the leader began to stop%n",
					takeover.toMillis());
			List<String> received = records.records().stream().map(KafkaRecordCollector.Received::key).toList();
			// The leader drained and recorded its position before it let the lock go.
			assertThat(received.size() - received.stream().distinct().count()).as("sent twice").isZero();
		}
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void restartingTheRelayDoesNotWaitForItsPreviousReplicationConnectionToGo(CapturedOutput output) throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("restarts");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
			OutboxRelay outboxRelay = service.getBean(OutboxRelay.class);
			List<Duration> restarts = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				await().atMost(DELIVERY).until(outboxRelay::isRelaying);
				records.awaitKeys(RelayTestSupport.publishEach(service, "shift", 1), DELIVERY);
				outboxRelay.stop();
				Instant restarted = Instant.now();
				outboxRelay.start();
				records.awaitKeys(RelayTestSupport.publishEach(service, "shift", 1), DELIVERY);
				restarts.add(Duration.between(restarted, Instant.now()));
			}
			System.out.println("Relay restarts, start to first delivery: " + restarts);
			assertThat(restarts).allSatisfy((restart) -> assertThat(restart).isLessThan(Duration.ofSeconds(8)));
			assertThat(output).doesNotContain("is active for PID");
		}
	}

	@Test
	void anInstanceStoppedWhileItStandsByLeavesNoKafkaClientBehind() {
		RelayTestSupport relay = RelayTestSupport.create("standby_stop");
		// Spring Kafka numbers the client ids of a factory's producers: outbox-relay-<slot>-1, ...
		String producerThread = "kafka-producer-network-thread | outbox-relay-" + relay.slotName() + "-";
		try (ConfigurableApplicationContext leader = relay.start(TestApplication.class)) {
			await().atMost(DELIVERY).until(leader.getBean(OutboxRelay.class)::isRelaying);
			assertThat(threadsNamed(producerThread)).as("the leader's producer").isOne();
			ConfigurableApplicationContext standby = relay.start(TestApplication.class);
			// The standby warms up for a take-over, which creates its producer.
			await().atMost(DELIVERY).until(() -> threadsNamed(producerThread) == 2);
			standby.close();
			await().atMost(DELIVERY).until(() -> threadsNamed(producerThread) == 1);
		}
		await().atMost(DELIVERY).until(() -> threadsNamed(producerThread) == 0);
	}

	private static long threadsNamed(String prefix) {
		return Thread.getAllStackTraces().keySet().stream().filter((thread) -> thread.getName().startsWith(prefix)).count();
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void stoppingRightAfterStartingLogsNoError(CapturedOutput output) {
		RelayTestSupport relay = RelayTestSupport.create("quick_stop");
		relay.start(TestApplication.class).close();
		assertThat(output).doesNotContain("Engine has failed").doesNotContain(" ERROR ");
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
