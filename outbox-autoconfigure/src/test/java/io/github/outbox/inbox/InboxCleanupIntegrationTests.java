package io.github.outbox.inbox;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox cleanup against a real PostgreSQL.
 */
@ExtendWith(OutputCaptureExtension.class)
class InboxCleanupIntegrationTests {

	private static final Duration RETENTION = Duration.ofDays(14);

	@Test
	void removesOnlyRowsOlderThanTheRetentionInBatchesAndSaysSo(CapturedOutput output) {
		OutboxContextRunner.jdbcApplication()
			.withPropertyValues(TestDatabase.createForProperties("inbox_cleanup"))
			.run((context) -> {
				insert(context, 2500, "now() - interval '30 days'");
				insert(context, 10, "now() - interval '1 day'");
				InboxCleanup cleanup = cleanup(context, 1000);
				assertThat(cleanup.removeExpired()).isEqualTo(2500);
				assertThat(count(context)).isEqualTo(10);
				assertThat(cleanup.removeExpired()).isZero();
				assertThat(output).contains("Removed 2500 inbox row(s) older than PT336H");
			});
	}

	@Test
	void twoInstancesCleaningAtOnceShareTheWorkWithoutWaitingForEachOther() {
		OutboxContextRunner.jdbcApplication()
			.withPropertyValues(TestDatabase.createForProperties("inbox_cleanup_two"))
			.run((context) -> {
				insert(context, 20_000, "now() - interval '30 days'");
				insert(context, 5, "now()");
				CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> cleanup(context, 200).removeExpired());
				CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> cleanup(context, 200).removeExpired());
				assertThat(first.get(2, TimeUnit.MINUTES) + second.get(2, TimeUnit.MINUTES)).isEqualTo(20_000);
				assertThat(count(context)).isEqualTo(5);
			});
	}

	private static InboxCleanup cleanup(AssertableApplicationContext context, int batchSize) {
		return new InboxCleanup(context.getBean(DataSource.class), context.getBean(OutboxTable.class), RETENTION,
				Duration.ofHours(1), batchSize);
	}

	private static void insert(AssertableApplicationContext context, int rows, String receivedAt) {
		new JdbcTemplate(context.getBean(DataSource.class)).update("INSERT INTO outbox_inbox (consumer, event_id, received_at) "
				+ "SELECT 'projection', gen_random_uuid()::text, " + receivedAt + " FROM generate_series(1, ?)", rows);
	}

	private static int count(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("SELECT count(*) FROM outbox_inbox",
				Integer.class);
	}

}
