package io.github.outbox.cleanup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.schema.OutboxTableProperties;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cleanup strategies against a real PostgreSQL. Rows are given creation times in the
 * past, and jobs are run by hand at chosen instants, so that nothing waits for time to pass.
 */
class OutboxCleanupIntegrationTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication()
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		// Runs are started by the tests, not by the schedule.
		.withPropertyValues("outbox.cleanup.interval=1h");

	@Test
	void retentionDeletesExpiredRowsInBatchesAndKeepsTheRest() {
		this.contextRunner.withPropertyValues(database("retention")).withPropertyValues("outbox.cleanup.batch-size=100")
			.run((context) -> {
				JdbcTemplate jdbc = jdbc(context);
				insertRows(jdbc, "outbox_event", NOW.minus(Duration.ofDays(8)), 250);
				insertRows(jdbc, "outbox_event", NOW.minus(Duration.ofDays(6)), 30);
				Optional<CleanupReport> report = context.getBean(ScheduledCleanup.class).runOnce(NOW);
				assertThat(report).contains(new CleanupReport(250, 0, 0));
				assertThat(count(jdbc, "outbox_event")).isEqualTo(30);
				assertThat(olderThan(jdbc, "outbox_event", NOW.minus(Duration.ofDays(7)))).isZero();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("outbox.cleanup.rows.deleted").tag("strategy", "retention").counter().count())
					.isEqualTo(250);
				assertThat(meters.get("outbox.cleanup.runs").tag("outcome", "success").timer().count()).isOne();
			});
	}

	@Test
	void retentionKeepsTheTableBoundedWhileEventsKeepComing() {
		this.contextRunner.withPropertyValues(database("bounded")).withPropertyValues("outbox.cleanup.retention=1h",
				"outbox.cleanup.batch-size=500")
			.run((context) -> {
				JdbcTemplate jdbc = jdbc(context);
				ScheduledCleanup cleanup = context.getBean(ScheduledCleanup.class);
				// One simulated day: 2,000 events an hour, cleanup every hour.
				long largest = 0;
				for (int hour = 0; hour < 24; hour++) {
					Instant now = NOW.minus(Duration.ofHours(24 - hour));
					insertRows(jdbc, "outbox_event", now.minus(Duration.ofMinutes(30)), 2000);
					cleanup.runOnce(now);
					largest = Math.max(largest, count(jdbc, "outbox_event"));
				}
				assertThat(largest).isLessThanOrEqualTo(4000);
			});
	}

	@Test
	void oneInstanceCleansAtATime() {
		this.contextRunner.withPropertyValues(database("exclusive")).withPropertyValues("outbox.cleanup.batch-size=100")
			.run((context) -> {
				JdbcTemplate jdbc = jdbc(context);
				insertRows(jdbc, "outbox_event", NOW.minus(Duration.ofDays(8)), 100);
				ScheduledCleanup cleanup = context.getBean(ScheduledCleanup.class);
				try (Connection otherInstance = connectAsAnotherInstance(context)) {
					lock(otherInstance);
					assertThat(cleanup.runOnce(NOW)).isEmpty();
					assertThat(count(jdbc, "outbox_event")).isEqualTo(100);
					assertThat(context.getBean(MeterRegistry.class)
						.get("outbox.cleanup.runs")
						.tag("outcome", "skipped")
						.timer()
						.count()).isOne();
					// The other instance dies mid-run: its session ends, and the lock with it.
					jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, backendPid(otherInstance));
					await().atMost(Duration.ofSeconds(10))
						.until(() -> jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'",
								Long.class) == 0);
				}
				assertThat(cleanup.runOnce(NOW)).contains(new CleanupReport(100, 0, 0));
			});
	}

	@Test
	void twoInstancesRunningAtOnceNeitherDeadlockNorBothWork() throws Exception {
		String[] database = database("concurrent");
		this.contextRunner.withPropertyValues(database).withPropertyValues("outbox.cleanup.batch-size=50").run((first) -> {
			this.contextRunner.withPropertyValues(database).withPropertyValues("outbox.cleanup.batch-size=50").run((second) -> {
				JdbcTemplate jdbc = jdbc(first);
				insertRows(jdbc, "outbox_event", NOW.minus(Duration.ofDays(8)), 20_000);
				ExecutorService executor = Executors.newFixedThreadPool(2);
				try {
					List<Callable<Optional<CleanupReport>>> runs = List.of(
							() -> first.getBean(ScheduledCleanup.class).runOnce(NOW),
							() -> second.getBean(ScheduledCleanup.class).runOnce(NOW));
					long deleted = 0;
					int worked = 0;
					for (Future<Optional<CleanupReport>> run : executor.invokeAll(runs)) {
						long rows = run.get().map(CleanupReport::rowsDeleted).orElse(0L);
						deleted += rows;
						worked += (rows > 0) ? 1 : 0;
					}
					// The second either found the lock taken or, after the first, nothing to do.
					assertThat(worked).isOne();
					assertThat(deleted).isEqualTo(20_000);
					assertThat(count(jdbc, "outbox_event")).isZero();
				}
				finally {
					executor.shutdownNow();
				}
			});
		});
	}

	@Test
	void deleteAfterInsertLeavesTheTableEmptyAndRunsNoJob() {
		this.contextRunner.withPropertyValues(database("delete")).withPropertyValues("outbox.cleanup.strategy=delete-after-insert")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ScheduledCleanup.class);
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
				transaction.executeWithoutResult((status) -> {
					publisher.publish(OutboxMessage.of("order", "1", "OrderPlaced", "{}"));
					publisher.publishAll(List.of(OutboxMessage.of("order", "2", "OrderPlaced", "{}"),
							OutboxMessage.of("order", "3", "OrderPlaced", "{}")));
				});
				transaction.executeWithoutResult(
						(status) -> publisher.publish(OutboxMessage.of("order", "4", "OrderPlaced", "{}")));
				assertThat(count(jdbc(context), "outbox_event")).isZero();
			});
	}

	@Test
	void noStrategyAndDisabledJobRunNothing() {
		this.contextRunner.withPropertyValues(database("none")).withPropertyValues("outbox.cleanup.strategy=none")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ScheduledCleanup.class));
		this.contextRunner.withPropertyValues(database("disabled")).withPropertyValues("outbox.cleanup.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ScheduledCleanup.class));
	}

	@Test
	void partitionsConvertTheTableKeepingItsRowsAndPublishThroughTheRoot() {
		String[] database = database("convert");
		this.contextRunner.withPropertyValues(database).run((context) -> {
			insertRows(jdbc(context), "outbox_event", NOW.minus(Duration.ofDays(2)), 40);
		});
		this.contextRunner.withPropertyValues(database).withPropertyValues("outbox.cleanup.strategy=partitions").run((context) -> {
			JdbcTemplate jdbc = jdbc(context);
			assertThat(jdbc.queryForObject("SELECT relkind::text FROM pg_class WHERE relname = 'outbox_event'",
					String.class)).isEqualTo("p");
			assertThat(count(jdbc, "outbox_event_unpartitioned")).isEqualTo(40);
			assertThat(jdbc.queryForObject("SELECT pubviaroot FROM pg_publication WHERE pubname = 'outbox_publication'",
					Boolean.class)).isTrue();
			assertThat(jdbc.queryForList("SELECT c.relname FROM pg_publication_rel r JOIN pg_class c ON c.oid = r.prrelid",
					String.class)).containsExactlyInAnyOrder("outbox_event", "outbox_signal");
			// The current range and three ahead, besides the default partition.
			assertThat(partitions(jdbc)).hasSize(5).contains("outbox_event_default");

			OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
			context.getBean(TransactionTemplate.class)
				.executeWithoutResult((status) -> publisher.publish(OutboxMessage.of("order", "1", "OrderPlaced", "{}")));
			assertThat(count(jdbc, "outbox_event")).isOne();
			assertThat(count(jdbc, "outbox_event_default")).isZero();
		});
	}

	@Test
	void partitionsDropExpiredRangesWholeAndCreateNewOnesAhead() {
		this.contextRunner
			.withPropertyValues(database("drop")).withPropertyValues("outbox.cleanup.strategy=partitions", "outbox.cleanup.retention=2d",
					"outbox.cleanup.partitions.ahead=2")
			.run((context) -> {
				JdbcTemplate jdbc = jdbc(context);
				ScheduledCleanup cleanup = context.getBean(ScheduledCleanup.class);
				insertRows(jdbc, "outbox_event", NOW, 10);
				assertThat(partitions(jdbc)).hasSize(4);

				// Four days later, rows before two days ago have expired: the whole ranges of today
				// and tomorrow have, the day after's has not; three new ranges are needed ahead.
				Optional<CleanupReport> report = cleanup.runOnce(NOW.plus(Duration.ofDays(4)));
				assertThat(report.map(CleanupReport::partitionsDropped)).contains(2);
				assertThat(report.map(CleanupReport::partitionsCreated)).contains(3);
				assertThat(report.map(CleanupReport::rowsDeleted)).contains(0L);
				assertThat(count(jdbc, "outbox_event")).isZero();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("outbox.cleanup.partitions.dropped").tag("strategy", "partitions").counter().count())
					.isEqualTo(2);
				assertThat(partitions(jdbc)).hasSize(5);
			});
	}

	@Test
	void rowsInTheDefaultPartitionExpireLikeAnyOther() {
		this.contextRunner.withPropertyValues(database("default")).withPropertyValues("outbox.cleanup.strategy=partitions")
			.run((context) -> {
				JdbcTemplate jdbc = jdbc(context);
				// Outside every range: written while the job did not run.
				insertRows(jdbc, "outbox_event", NOW.minus(Duration.ofDays(30)), 25);
				insertRows(jdbc, "outbox_event", NOW.minus(Duration.ofDays(3)), 5);
				assertThat(count(jdbc, "outbox_event_default")).isEqualTo(30);
				Optional<CleanupReport> report = context.getBean(ScheduledCleanup.class).runOnce(NOW);
				assertThat(report.map(CleanupReport::rowsDeleted)).contains(25L);
				assertThat(count(jdbc, "outbox_event_default")).isEqualTo(5);
			});
	}

	@Test
	void unpartitionedTableIsDroppedOnceItsRowsExpire() {
		String[] database = database("leftover");
		this.contextRunner.withPropertyValues(database)
			.run((context) -> insertRows(jdbc(context), "outbox_event", NOW.minus(Duration.ofDays(1)), 3));
		this.contextRunner.withPropertyValues(database).withPropertyValues("outbox.cleanup.strategy=partitions").run((context) -> {
			JdbcTemplate jdbc = jdbc(context);
			ScheduledCleanup cleanup = context.getBean(ScheduledCleanup.class);
			cleanup.runOnce(NOW);
			assertThat(count(jdbc, "outbox_event_unpartitioned")).isEqualTo(3);
			cleanup.runOnce(NOW.plus(Duration.ofDays(7)));
			assertThat(jdbc.queryForObject("SELECT to_regclass('outbox_event_unpartitioned') IS NULL", Boolean.class))
				.isTrue();
		});
	}

	@Test
	void tableGaugesShowTheRowsKeptAndTheAgeOfTheOldest() {
		this.contextRunner.withPropertyValues(database("gauges")).run((context) -> {
			JdbcTemplate jdbc = jdbc(context);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("outbox.table.oldest.age").gauge().value()).isZero();
			insertRows(jdbc, "outbox_event", Instant.now().minus(Duration.ofDays(2)), 30);
			insertRows(jdbc, "outbox_event", Instant.now(), 20);
			jdbc.execute("ANALYZE outbox_event");
			assertThat(meters.get("outbox.table.rows").gauge().value()).isEqualTo(50);
			assertThat(meters.get("outbox.table.oldest.age").gauge().value())
				.isBetween((double) Duration.ofDays(2).toSeconds(), (double) Duration.ofDays(2).plusMinutes(1).toSeconds());
		});
		this.contextRunner.withPropertyValues(database("gauges_partitioned"))
			.withPropertyValues("outbox.cleanup.strategy=partitions")
			.run((context) -> {
				JdbcTemplate jdbc = jdbc(context);
				insertRows(jdbc, "outbox_event", Instant.now(), 12);
				jdbc.execute("ANALYZE outbox_event");
				assertThat(context.getBean(MeterRegistry.class).get("outbox.table.rows").gauge().value()).isEqualTo(12);
			});
	}

	@Test
	void invalidSettingsAreReportedWithTheProperty() {
		this.contextRunner.withPropertyValues(database("invalid")).withPropertyValues("outbox.cleanup.strategy=partitions",
				"outbox.cleanup.partitions.range=90s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("outbox.cleanup.partitions.range")
				.hasMessageContaining("whole number of minutes"));
		this.contextRunner.withPropertyValues(database("zero")).withPropertyValues("outbox.cleanup.retention=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("outbox.cleanup.retention"));
	}

	private static String[] database(String prefix) {
		return TestDatabase.createForProperties("cleanup_" + prefix);
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

	/**
	 * Inserts rows as the publisher writes them, created at the given time.
	 */
	static void insertRows(JdbcTemplate jdbc, String table, Instant createdAt, int count) {
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			rows.add(new Object[] { uuidV7(createdAt), "order", Integer.toString(i),
					LocalDateTime.ofInstant(createdAt, ZoneOffset.UTC) });
		}
		jdbc.batchUpdate("INSERT INTO " + table + " (id, aggregatetype, aggregateid, type, payload, created_at)"
				+ " VALUES (?, ?, ?, 'OrderPlaced', '{}', ?)", rows);
	}

	private static UUID uuidV7(Instant at) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return new UUID((at.toEpochMilli() << 16) | 0x7000L | random.nextLong(0x1000),
				0x8000000000000000L | random.nextLong(0x4000000000000000L));
	}

	private static long count(JdbcTemplate jdbc, String table) {
		Long count = jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
		return (count != null) ? count : 0;
	}

	private static long olderThan(JdbcTemplate jdbc, String table, Instant instant) {
		Long count = jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE created_at < ?", Long.class,
				LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
		return (count != null) ? count : 0;
	}

	private static List<String> partitions(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
				+ "WHERE i.inhparent = 'outbox_event'::regclass ORDER BY 1", String.class);
	}

	private static void lock(Connection connection) throws Exception {
		assertThat(CleanupLock.lockOf(new OutboxTableProperties().toTable()).tryAcquire(connection)).isTrue();
	}

	private static Connection connectAsAnotherInstance(AssertableApplicationContext context) throws Exception {
		HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
		return DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
	}

	private static int backendPid(Connection connection) throws Exception {
		try (Statement statement = connection.createStatement();
				var result = statement.executeQuery("SELECT pg_backend_pid()")) {
			result.next();
			return result.getInt(1);
		}
	}

}
