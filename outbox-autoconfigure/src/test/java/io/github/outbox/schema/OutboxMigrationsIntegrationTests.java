package io.github.outbox.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox migrations against a real PostgreSQL: what they create, in a history table of
 * their own, on a new database, one Flyway manages and one whose tables no Flyway created, and
 * applied by hand.
 */
class OutboxMigrationsIntegrationTests {

	private static final String LATER_APPLICATION_MIGRATIONS = "spring.flyway.locations=classpath:db/migration,classpath:db/later";

	private static final String[] OUTBOX_HISTORY_FROM_BASELINE = { "0 << Flyway Baseline >>",
			"1.0.0.1 outbox create table", "1.0.0.2 outbox create publication", "1.0.0.3 outbox create inbox",
			"1.0.0.4 outbox create signal table", "1.0.0.5 outbox create relay position",
			"1.0.0.6 outbox create event schema" };

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication();

	@Test
	void migrationsCreateTheOutboxTableWithTheColumnsTheEventRouterExpects() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_columns")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(columns(context, "public", "outbox_event")).containsExactly(
					"id uuid not null", "aggregatetype character varying(255) not null",
					"aggregateid character varying(255) not null", "type character varying(255) not null",
					"payload jsonb not null", "headers jsonb null", "tracingspancontext character varying(512) null",
					"created_at timestamp without time zone not null");
			assertThat(jdbc(context).queryForObject("""
					SELECT pg_get_constraintdef(oid) FROM pg_constraint
					WHERE conrelid = 'public.outbox_event'::regclass AND contype = 'p'""", String.class))
				.isEqualTo("PRIMARY KEY (id)");
		});
	}

	@Test
	void migrationsCreateAPublicationOfInsertsIntoTheOutboxAndSignalTablesOnly() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_publication")).run((context) -> {
			assertThat(publication(context, "outbox_publication"))
				.isEqualTo(Map.of("puballtables", false, "pubinsert", true, "pubupdate", false, "pubdelete", false,
						"pubtruncate", false));
			assertThat(publishedTables(context, "outbox_publication")).containsExactlyInAnyOrder("public.outbox_event",
					"public.outbox_signal");
		});
	}

	@Test
	void migrationsCreateTheRelayPositionTableKeyedBySlotAndOffsetKey() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_position")).run((context) -> {
			assertThat(columns(context, "public", "outbox_relay_position")).containsExactly(
					"slot_name character varying(63) not null", "offset_key text not null", "offset_value text null",
					"lsn bigint null",
					"system_identifier bigint not null", "publication_oid bigint null", "updated_at timestamp with time zone not null");
			assertThat(jdbc(context).queryForObject("""
					SELECT pg_get_constraintdef(oid) FROM pg_constraint
					WHERE conrelid = 'public.outbox_relay_position'::regclass AND contype = 'p'""", String.class))
				.isEqualTo("PRIMARY KEY (slot_name, offset_key)");
		});
	}

	@Test
	void migrationsCreateTheSignalTableWithTheThreeColumnsDebeziumWritesAndReads() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_signal")).run((context) -> {
			assertThat(columns(context, "public", "outbox_signal")).containsExactly(
					"id character varying(64) not null", "type character varying(32) not null", "data text null");
			jdbc(context).update("INSERT INTO public.outbox_signal VALUES (?, ?, ?)", "a-watermark-open",
					"snapshot-window-open", "{}");
		});
	}

	@Test
	void migrationsCreateTheInboxKeyedByConsumerAndEventId() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_inbox")).run((context) -> {
			assertThat(columns(context, "public", "outbox_inbox")).containsExactly(
					"consumer character varying(255) not null", "event_id character varying(255) not null",
					"received_at timestamp with time zone not null");
			assertThat(jdbc(context).queryForObject("""
					SELECT pg_get_constraintdef(oid) FROM pg_constraint
					WHERE conrelid = 'public.outbox_inbox'::regclass AND contype = 'p'""", String.class))
				.isEqualTo("PRIMARY KEY (consumer, event_id)");
			assertThat(publishedTables(context, "outbox_publication")).doesNotContain("public.outbox_inbox");
		});
	}

	@Test
	void migrationsUseTheConfiguredSchemaTableAndPublicationNames() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_names"))
			.withPropertyValues("outbox.flyway.create-schema=true", "outbox.table.schema=messaging",
					"outbox.table.name=domain_events",
					"outbox.table.publication=messaging_events", "outbox.table.inbox=processed_events",
					"outbox.table.signal=relay_signals")
			.run((context) -> {
				assertThat(tableExists(context, "messaging", "domain_events")).isTrue();
				assertThat(tableExists(context, "messaging", "processed_events")).isTrue();
				assertThat(tableExists(context, "public", "outbox_event")).isFalse();
				assertThat(tableExists(context, "messaging", "processed_events")).isTrue();
				assertThat(publishedTables(context, "messaging_events")).containsExactlyInAnyOrder("messaging.domain_events",
						"messaging.relay_signals");
				publishOne(context);
				assertThat(jdbc(context).queryForObject("SELECT count(*) FROM messaging.domain_events", Integer.class))
					.isOne();
			});
	}

	@Test
	void migrationsKeepAHistoryOfTheirOwnAndRunBeforeTheApplicationsMigrations() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_own_history")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(history(context, "public.flyway_schema_history")).containsExactly("1 create orders");
			assertThat(history(context, "public.outbox_schema_history")).containsExactly(OUTBOX_HISTORY_FROM_BASELINE);
			assertThat(firstInstalled(context, "public.outbox_schema_history"))
				.isBefore(firstInstalled(context, "public.flyway_schema_history WHERE version = '1'"));
			publishOne(context);
		});
	}

	@Test
	void applicationMigrationsMayChangeTheOutboxTableOnANewDatabase() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_app_changes_outbox"))
			.withPropertyValues("spring.flyway.locations=classpath:db/migration,classpath:db/outbox-change")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(history(context, "public.flyway_schema_history")).containsExactly("1 create orders",
						"2 index outbox by aggregate");
				assertThat(jdbc(context).queryForObject(
						"SELECT count(*) FROM pg_indexes WHERE tablename = 'outbox_event' AND indexname = ?",
						Integer.class, "outbox_event_aggregate"))
					.isOne();
			});
	}

	@Test
	void migrationsJoinADatabaseThatFlywayMigratedPastTheirVersions() {
		String[] database = TestDatabase.createForProperties("schema_flyway_managed");
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.enabled=false", LATER_APPLICATION_MIGRATIONS)
			.run((context) -> assertThat(history(context, "public.flyway_schema_history"))
				.containsExactly("1 create orders", "2 add order total"));
		this.contextRunner.withPropertyValues(database).withPropertyValues(LATER_APPLICATION_MIGRATIONS).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(history(context, "public.flyway_schema_history")).containsExactly("1 create orders",
					"2 add order total");
			assertThat(history(context, "public.outbox_schema_history")).containsExactly(OUTBOX_HISTORY_FROM_BASELINE);
			publishOne(context);
		});
	}

	@Test
	void migrationsJoinADatabaseWhoseTablesNoFlywayCreated() {
		String[] database = TestDatabase.createForProperties("schema_unmanaged");
		ApplicationContextRunner withoutApplicationFlyway = this.contextRunner.withPropertyValues(database)
			.withPropertyValues("spring.flyway.enabled=false");
		withoutApplicationFlyway.withPropertyValues("outbox.enabled=false")
			.run((context) -> jdbc(context).execute("CREATE TABLE customers (id bigint PRIMARY KEY, name text)"));
		withoutApplicationFlyway.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(tableExists(context, "public", "flyway_schema_history")).isFalse();
			assertThat(history(context, "public.outbox_schema_history")).containsExactly(OUTBOX_HISTORY_FROM_BASELINE);
			publishOne(context);
		});
		withoutApplicationFlyway.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(history(context, "public.outbox_schema_history")).containsExactly(OUTBOX_HISTORY_FROM_BASELINE);
		});
	}

	@Test
	void migrationsCreateANewDatabaseWithoutTheApplicationsFlyway() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_new_without_flyway"))
			.withPropertyValues("spring.flyway.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(history(context, "public.outbox_schema_history"))
					.containsExactly(Arrays.copyOfRange(OUTBOX_HISTORY_FROM_BASELINE, 1, OUTBOX_HISTORY_FROM_BASELINE.length));
				publishOne(context);
			});
	}

	@Test
	void instancesStartingTogetherOnANewDatabaseApplyTheMigrationsOnce() {
		ApplicationContextRunner instance = this.contextRunner
			.withPropertyValues(TestDatabase.createForProperties("schema_together"));
		List<CompletableFuture<List<String>>> starts = IntStream.range(0, 3)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> {
				List<List<String>> histories = new ArrayList<>();
				instance.run((context) -> {
					assertThat(context).hasNotFailed();
					histories.add(history(context, "public.outbox_schema_history"));
				});
				return histories.get(0);
			}))
			.toList();
		assertThat(starts).allSatisfy((start) -> assertThat(start.join()).containsExactly(OUTBOX_HISTORY_FROM_BASELINE));
	}

	@Test
	void schemaThatDoesNotExistIsRefusedUnlessTheMigrationsMayCreateIt() {
		String[] database = TestDatabase.createForProperties("schema_typo");
		this.contextRunner.withPropertyValues(database).withPropertyValues("outbox.table.schema=mesaging").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(OutboxSchemaMissingException.class)
				.hasMessage("The schema 'mesaging' named by outbox.table.schema does not exist.");
			assertThat(new OutboxSchemaMissingFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
				.contains("outbox.flyway.create-schema=true", "CREATE SCHEMA mesaging");
		});
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.table.schema=mesaging", "spring.flyway.enabled=false")
			.run((context) -> assertThat(context).hasFailed());
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.enabled=false")
			.run((context) -> assertThat(tableExists(context, "mesaging", "outbox_schema_history")).isFalse());
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.enabled=false")
			.run((context) -> jdbc(context).execute("CREATE SCHEMA mesaging"));
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.table.schema=mesaging")
			.run((context) -> assertThat(tableExists(context, "mesaging", "outbox_event")).isTrue());
	}

	@Test
	void historyTableNameIsConfigurable() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_history_name"))
			.withPropertyValues("outbox.flyway.history-table=messaging_history")
			.run((context) -> {
				assertThat(history(context, "public.messaging_history")).containsExactly(OUTBOX_HISTORY_FROM_BASELINE);
				assertThat(tableExists(context, "public", "outbox_schema_history")).isFalse();
			});
	}

	@Test
	void migrationsAppliedByHandFromTheShippedSqlAreAccepted() {
		String[] database = TestDatabase.createForProperties("schema_by_hand");
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("outbox.enabled=false")
			.run((context) -> applyShippedMigrationsByHand(jdbc(context),
					Map.of("outbox_schema", "public", "outbox_table", "outbox_event", "outbox_publication",
							"outbox_publication", "outbox_inbox", "outbox_inbox", "outbox_signal", "outbox_signal",
							"outbox_relay_position", "outbox_relay_position", "outbox_event_schema",
							"outbox_event_schema")));
		this.contextRunner.withPropertyValues(database).withPropertyValues("outbox.flyway.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(history(context, "public.flyway_schema_history")).containsExactly("1 create orders");
			assertThat(publishedTables(context, "outbox_publication")).containsExactlyInAnyOrder("public.outbox_event",
					"public.outbox_signal");
			publishOne(context);
		});
	}

	@Test
	void turningTheOutboxOffCreatesNothing() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("schema_off"))
			.withPropertyValues("outbox.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(OutboxTable.class);
				assertThat(tableExists(context, "public", "outbox_event")).isFalse();
			});
	}

	private static void publishOne(AssertableApplicationContext context) {
		context.getBean(TransactionTemplate.class)
			.executeWithoutResult((status) -> context.getBean(OutboxPublisher.class)
				.publish(OutboxMessage.of("order", "1", "OrderPlaced", Map.of("id", 1))));
	}

	private static void applyShippedMigrationsByHand(JdbcTemplate jdbcTemplate, Map<String, String> placeholders) {
		try {
			Resource[] scripts = new PathMatchingResourcePatternResolver()
				.getResources(OutboxMigrations.LOCATION + "/*.sql");
			Arrays.sort(scripts, Comparator.comparing(Resource::getFilename));
			assertThat(scripts).hasSize(6);
			for (Resource script : scripts) {
				String sql = script.getContentAsString(StandardCharsets.UTF_8);
				for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
					sql = sql.replace("${" + placeholder.getKey() + "}", placeholder.getValue());
				}
				jdbcTemplate.execute(sql);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
	}

	private static List<String> columns(AssertableApplicationContext context, String schema, String table) {
		return jdbc(context).query("""
				SELECT column_name, data_type, character_maximum_length, is_nullable
				FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position""",
				(rs, rowNum) -> rs.getString(1) + " " + rs.getString(2)
						+ ((rs.getObject(3) != null) ? "(" + rs.getInt(3) + ")" : "")
						+ (rs.getString(4).equals("YES") ? " null" : " not null"),
				schema, table);
	}

	private static boolean tableExists(AssertableApplicationContext context, String schema, String table) {
		return Boolean.TRUE.equals(jdbc(context).queryForObject(
				"SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?)",
				Boolean.class, schema, table));
	}

	private static List<String> history(AssertableApplicationContext context, String table) {
		return jdbc(context).queryForList(
				"SELECT version || ' ' || description FROM " + table + " WHERE success ORDER BY installed_rank",
				String.class);
	}

	private static Instant firstInstalled(AssertableApplicationContext context, String tableAndCondition) {
		return jdbc(context).queryForObject("SELECT min(installed_on) FROM " + tableAndCondition, Timestamp.class)
			.toInstant();
	}

	private static Map<String, Object> publication(AssertableApplicationContext context, String name) {
		return jdbc(context).queryForMap("SELECT puballtables, pubinsert, pubupdate, pubdelete, pubtruncate "
				+ "FROM pg_publication WHERE pubname = ?", name);
	}

	private static List<String> publishedTables(AssertableApplicationContext context, String publication) {
		return jdbc(context).queryForList(
				"SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?", String.class,
				publication);
	}

}
