package io.github.outbox.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backlog written while the relay was stopped drains at full speed, quietly: the logs say
 * what the relay did, not what Debezium's metrics could not keep up with.
 */
@ExtendWith(OutputCaptureExtension.class)
class RelayBacklogIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(120);

	@Test
	void backlogDrainsWithoutBurstsOfWarnings(CapturedOutput output) throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("backlog");
		try (ConfigurableApplicationContext first = relay.start(TestApplication.class)) {
			await().atMost(DELIVERY).until(first.getBean(OutboxRelay.class)::isRelaying);
		}
		int events = 0;
		try (ConfigurableApplicationContext writer = relay.start(TestApplication.class, "outbox.relay.enabled=false")) {
			OutboxPublisher outbox = writer.getBean(OutboxPublisher.class);
			TransactionTemplate transaction = writer.getBean(TransactionTemplate.class);
			for (int i = 0; i < 300; i++) {
				List<OutboxMessage> batch = new ArrayList<>();
				for (int j = 0; j < 100; j++) {
					batch.add(OutboxMessage.of("reading", UUID.randomUUID().toString(), "Taken", Map.of("n", j)));
				}
				transaction.executeWithoutResult((status) -> outbox.publishAll(batch));
				events += batch.size();
			}
		}
		int backlog = events;
		int before = output.getOut().length();
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
			await().atMost(DELIVERY).until(() -> records.count() >= backlog);
		}
		String drain = output.getOut().substring(before);
		assertThat(drain).doesNotContain("queue is full").doesNotContain(" ERROR ");
		assertThat(drain.lines().filter((line) -> line.contains(" WARN ")).toList()).isEmpty();
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
