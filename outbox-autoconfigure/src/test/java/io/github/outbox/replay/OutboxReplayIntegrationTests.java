package io.github.outbox.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What {@link OutboxReplay} asks Debezium for, on a real PostgreSQL without a relay.
 */
class OutboxReplayIntegrationTests {

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication()
		.withConfiguration(AutoConfigurations.of(OutboxReplayAutoConfiguration.class))
		.withPropertyValues(TestDatabase.createForProperties("replay_signal"));

	@Test
	void replayStoresAnIncrementalSnapshotSignalForTheRange() {
		this.contextRunner.run((context) -> {
			Instant from = Instant.parse("2026-11-23T10:15:30.123456Z");
			ReplayRequest request = context.getBean(OutboxReplay.class)
				.replay(from, from.plus(Duration.ofHours(1)), "order");
			Map<String, Object> signal = jdbc(context).queryForMap("SELECT * FROM public.outbox_signal");
			assertThat(signal).containsEntry("id", request.id()).containsEntry("type", "execute-snapshot");
			assertThat(signal.get("data")).isEqualTo("{\"type\":\"incremental\",\"data-collections\":[\"public.outbox_event\"],"
					+ "\"additional-conditions\":[{\"data-collection\":\"public.outbox_event\",\"filter\":"
					+ "\"created_at >= '2026-11-23 10:15:30.123456' AND created_at < '2026-11-23 11:15:30.123456'"
					+ " AND aggregatetype = 'order'\"}],\"surrogate-key\":\"id\"}");
		});
	}

	@Test
	void replayCountsTheEventsOfTheRangeAndTakesAnyAggregateTypeLiterally() {
		this.contextRunner.run((context) -> {
			Instant from = Instant.now();
			publish(context, "order", 3);
			publish(context, "o'reilly \\ \"books\"", 2);
			Instant to = Instant.now();
			publish(context, "order", 1);
			OutboxReplay replay = context.getBean(OutboxReplay.class);
			assertThat(replay.replay(from, to).events()).isEqualTo(5);
			assertThat(replay.replay(from, to, "order").events()).isEqualTo(3);
			assertThat(replay.replay(from, to, "o'reilly \\ \"books\"").events()).isEqualTo(2);
			assertThat(replay.replay(to, Instant.now().plusSeconds(1), "nothing").events()).isZero();
			assertThat(jdbc(context).queryForObject("SELECT count(*) FROM public.outbox_signal", Integer.class))
				.isEqualTo(4);
		});
	}

	@Test
	void replayRefusesAnEmptyRangeSayingWhy() {
		this.contextRunner.run((context) -> {
			Instant now = Instant.now();
			assertThatIllegalArgumentException().isThrownBy(() -> context.getBean(OutboxReplay.class).replay(now, now))
				.withMessage("Cannot replay from " + now + " to " + now
						+ ": 'from' must be before 'to' (the range includes 'from' and excludes 'to')");
		});
	}

	@Test
	void endpointExistsOnlyWhenExposed() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(OutboxReplay.class)
			.doesNotHaveBean(OutboxReplayEndpoint.class));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=outboxreplay")
			.run((context) -> assertThat(context).hasSingleBean(OutboxReplayEndpoint.class));
		this.contextRunner.withPropertyValues("outbox.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OutboxReplay.class));
	}

	private static void publish(AssertableApplicationContext context, String aggregateType, int count) {
		OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
		for (int i = 0; i < count; i++) {
			context.getBean(TransactionTemplate.class)
				.executeWithoutResult((status) -> outbox.publish(OutboxMessage.of(aggregateType, "1", "Happened", "{}")));
		}
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

}
