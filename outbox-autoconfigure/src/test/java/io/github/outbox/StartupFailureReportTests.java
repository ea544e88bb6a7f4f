package io.github.outbox;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import io.github.outbox.contract.renamed.RenamedTotalApplication;
import io.github.outbox.contract.v1.VersionOneApplication;
import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user reads when the outbox is misconfigured: Spring Boot's failure report, with the
 * problem and the change to make, rather than a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	@Test
	void invalidTableNameIsReportedWithTheRuleForNames(CapturedOutput output) {
		startFailing(TestDatabase.createForProperties("report_name"), "outbox.table.name=Outbox-Events");
		assertThat(output).contains("APPLICATION FAILED TO START", "Property: outbox.table.name",
				"Value: \"Outbox-Events\"", "is not a valid PostgreSQL identifier: use lowercase letters, digits and "
						+ "underscores");
	}

	@Test
	void missingOutboxTableIsReportedWithHowToCreateIt(CapturedOutput output) {
		startFailing(TestDatabase.createForProperties("report_missing"), "outbox.flyway.enabled=false");
		assertThat(output).contains("APPLICATION FAILED TO START",
				"The outbox table public.outbox_event does not exist.", "Action:", "outbox.flyway.enabled",
				"db/migration");
	}

	@Test
	void schemaThatDoesNotExistIsReportedWithTheWaysOut(CapturedOutput output) {
		startFailing(TestDatabase.createForProperties("report_schema"), "outbox.table.schema=mesaging");
		assertThat(output).contains("APPLICATION FAILED TO START",
				"The schema 'mesaging' named by outbox.table.schema does not exist.", "CREATE SCHEMA mesaging",
				"outbox.flyway.create-schema=true");
	}

	@Test
	void relayWithoutLogicalReplicationIsReportedWithHowToTurnItOn(CapturedOutput output) {
		try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Map.of("wal_level", "replica"))) {
			EmbeddedPostgresServer.Database database = server.createDatabase("report_wal");
			startFailing(relayProperties(database), "outbox.relay.enabled=true");
		}
		assertThat(output).contains("APPLICATION FAILED TO START",
				"The relay needs logical replication, but the database server runs with wal_level=replica.",
				"Set wal_level = logical in postgresql.conf");
	}

	@Test
	void relayUserWithoutReplicationPrivilegeIsReported(CapturedOutput output) throws Exception {
		String[] properties = relayPropertiesForUserWithoutReplication("report_privilege", "plain_app");
		startFailing(properties, "outbox.relay.enabled=true");
		assertThat(output).contains("APPLICATION FAILED TO START",
				"The user 'plain_app' may not stream from a replication slot: it lacks the REPLICATION attribute.",
				"ALTER ROLE plain_app REPLICATION", "outbox.relay.debezium.database.user");
	}

	@Test
	void relayUserWithoutReplicationPrivilegeIsReportedAlsoWhenTheSlotWasMadeForIt(CapturedOutput output)
			throws Exception {
		// A DBA (or the Kafka Connect recipe) created the slot: the relay need not create it, but
		// it could still not stream from it.
		String[] properties = relayPropertiesForUserWithoutReplication("report_existing_slot", "slot_app");
		String slot = properties[3].substring(properties[3].indexOf('=') + 1);
		try (Connection connection = EmbeddedPostgresServer.shared().createDatabase("report_admin").dataSource()
			.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
		}
		startFailing(properties, "outbox.relay.enabled=true");
		assertThat(output).contains("APPLICATION FAILED TO START",
				"The user 'slot_app' may not stream from a replication slot: it lacks the REPLICATION attribute.");
	}

	@Test
	void relayWithoutItsPublicationIsReportedWithTheStatementThatCreatesIt(CapturedOutput output) throws Exception {
		EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.shared().createDatabase("report_publication");
		String[] properties = relayProperties(database);
		// The schema is migrated, then an operator drops the publication.
		start(properties, "outbox.relay.enabled=false").close();
		try (Connection connection = database.dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("DROP PUBLICATION outbox_publication");
		}
		startFailing(properties, "outbox.relay.enabled=true");
		assertThat(output).contains("APPLICATION FAILED TO START",
				"The publication 'outbox_publication' does not exist",
				"CREATE PUBLICATION \"outbox_publication\" FOR TABLE \"public\".\"outbox_event\", "
						+ "\"public\".\"outbox_signal\" WITH (publish = 'insert')");
	}

	@Test
	void deleteAfterInsertWithoutASlotToRecordTheEventsIsRefused(CapturedOutput output) {
		EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.shared().createDatabase("report_no_slot");
		startFailing(relayProperties(database), "outbox.cleanup.strategy=delete-after-insert");
		assertThat(output).contains("APPLICATION FAILED TO START",
				"outbox.cleanup.strategy=delete-after-insert keeps no rows, so an event published while no replication "
						+ "slot records the outbox is lost for good",
				"SELECT pg_create_logical_replication_slot('" + database.name() + "_slot', 'pgoutput')",
				"outbox.relay.enabled=true");
	}

	private static String[] relayPropertiesForUserWithoutReplication(String prefix, String user) throws Exception {
		EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.shared().createDatabase(prefix);
		try (Connection connection = database.dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE ROLE " + user + " LOGIN");
			statement.execute("ALTER DATABASE " + database.name() + " OWNER TO " + user);
			statement.execute("ALTER SCHEMA public OWNER TO " + user);
		}
		String[] properties = relayProperties(database);
		properties[1] = "spring.datasource.username=" + user;
		return properties;
	}

	private static String[] relayProperties(EmbeddedPostgresServer.Database database) {
		return new String[] { "spring.datasource.url=" + database.jdbcUrl(),
				"spring.datasource.username=" + database.username(),
				"spring.kafka.bootstrap-servers=" + EmbeddedKafkaServer.shared().bootstrapServers(),
				"outbox.relay.slot-name=" + database.name() + "_slot" };
	}

	@Test
	void anIncompatibleChangeOfAnEventClassIsReportedWithTheWaysOut(CapturedOutput output) {
		String[] database = TestDatabase.createForProperties("report_schema");
		run(VersionOneApplication.class, database).close();
		assertThatException().isThrownBy(() -> run(RenamedTotalApplication.class, database));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The schema of event type 'OrderPlaced' (aggregate type 'order', class "
					+ "io.github.outbox.contract.renamed.OrderEvent$OrderPlaced) is not FORWARD compatible")
			.contains("total: version 1 has number, the class has none")
			.contains("Keep its old name on the wire with @JsonProperty(\"<old name>\")")
			.contains("outbox.schema.compatibility=NONE");
	}

	private static void startFailing(String[] database, String... properties) {
		assertThatException().isThrownBy(() -> start(database, properties));
	}

	private static org.springframework.context.ConfigurableApplicationContext start(String[] database,
			String... properties) {
		return run(TestApplication.class, database, properties);
	}

	private static org.springframework.context.ConfigurableApplicationContext run(Class<?> applicationClass,
			String[] database, String... properties) {
		SpringApplication application = new SpringApplication(applicationClass);
		application.setWebApplicationType(WebApplicationType.NONE);
		String[] arguments = new String[database.length + properties.length];
		for (int i = 0; i < database.length; i++) {
			arguments[i] = "--" + database[i];
		}
		for (int i = 0; i < properties.length; i++) {
			arguments[database.length + i] = "--" + properties[i];
		}
		return application.run(arguments);
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
