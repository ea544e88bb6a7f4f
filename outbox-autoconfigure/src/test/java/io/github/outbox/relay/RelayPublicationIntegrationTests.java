package io.github.outbox.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.outbox.relay.OutboxRelay.Failure;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator drops the outbox's publication while the relay runs: PostgreSQL then skips what
 * is written (version 18) or fails on it for good (earlier versions). The relay stops loudly,
 * and once the publication is back it resumes by itself and replays what was written meanwhile.
 */
@ExtendWith(OutputCaptureExtension.class)
class RelayPublicationIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	private static final String CREATE_PUBLICATION = "CREATE PUBLICATION outbox_publication FOR TABLE outbox_event, "
			+ "outbox_signal WITH (publish = 'insert')";

	@Test
	void publicationDroppedWhileTheRelayRunsStopsItLoudlyAndNothingWrittenMeanwhileIsLost(CapturedOutput output)
			throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("dropped_publication");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
			JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
			OutboxRelay outboxRelay = service.getBean(OutboxRelay.class);
			List<String> published = new ArrayList<>(RelayTestSupport.publishEach(service, "parcel", 5));
			records.awaitKeys(published, DELIVERY);

			jdbc.execute("DROP PUBLICATION outbox_publication");
			published.addAll(RelayTestSupport.publishEach(service, "parcel", 5));
			Failure failure = await().atMost(DELIVERY).until(outboxRelay::failure, (current) -> current != null);
			assertThat(failure.needsOperator()).isTrue();
			assertThat(failure.description()).contains("The publication 'outbox_publication' does not exist");
			Health health = service.getBean(OutboxRelayHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(failure.action()).contains("CREATE PUBLICATION");
			published.addAll(RelayTestSupport.publishEach(service, "parcel", 5));

			jdbc.execute(CREATE_PUBLICATION);
			published.addAll(RelayTestSupport.publishEach(service, "parcel", 5));
			records.awaitKeys(published, DELIVERY);
			await().atMost(DELIVERY).until(() -> outboxRelay.state() == OutboxRelay.State.RELAYING);
			assertThat(output).containsOnlyOnce("The relay cannot run: The publication 'outbox_publication' does not exist")
				.contains("was dropped or stopped covering the outbox");
		}
	}

	@Test
	void outboxTableTakenOutOfThePublicationAndPutBackLosesNothing(CapturedOutput output) throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("altered_publication");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
			JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
			OutboxRelay outboxRelay = service.getBean(OutboxRelay.class);
			List<String> published = new ArrayList<>(RelayTestSupport.publishEach(service, "parcel", 5));
			records.awaitKeys(published, DELIVERY);

			// The publication keeps its identity; only what it covers changes.
			jdbc.execute("ALTER PUBLICATION outbox_publication DROP TABLE outbox_event");
			published.addAll(RelayTestSupport.publishEach(service, "parcel", 5));
			Failure failure = await().atMost(DELIVERY).until(outboxRelay::failure, (current) -> current != null);
			assertThat(failure.description()).contains("does not cover \"public\".\"outbox_event\"");
			published.addAll(RelayTestSupport.publishEach(service, "parcel", 5));
			jdbc.execute("ALTER PUBLICATION outbox_publication ADD TABLE outbox_event");
			records.awaitKeys(published, DELIVERY);
		}
	}

	@Test
	void publicationCreatedAgainWithoutTheSignalTableIsRefusedUntilItCoversIt() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("no_signal_publication");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
			JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
			OutboxRelay outboxRelay = service.getBean(OutboxRelay.class);
			List<String> published = new ArrayList<>(RelayTestSupport.publishEach(service, "parcel", 5));
			records.awaitKeys(published, DELIVERY);

			// Without the signal table, the replay of the gap could not reach the relay.
			jdbc.execute("DROP PUBLICATION outbox_publication");
			jdbc.execute("CREATE PUBLICATION outbox_publication FOR TABLE outbox_event WITH (publish = 'insert')");
			published.addAll(RelayTestSupport.publishEach(service, "parcel", 5));
			Failure failure = await().atMost(DELIVERY).until(outboxRelay::failure, (current) -> current != null
					&& current.description().contains("outbox_signal"));
			assertThat(failure.description()).contains("does not cover \"public\".\"outbox_signal\"")
				.contains("no replay could be asked for");
			jdbc.execute("ALTER PUBLICATION outbox_publication ADD TABLE outbox_signal");
			records.awaitKeys(published, DELIVERY);
		}
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
