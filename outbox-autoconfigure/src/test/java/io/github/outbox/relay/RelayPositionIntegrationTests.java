package io.github.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import io.github.outbox.relay.OutboxRelay.Failure;
import io.github.outbox.replay.OutboxReplay;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Where the relay keeps its position, as deployments meet it: several services on one Kafka
 * cluster and one PostgreSQL server with the default settings, a position that does not
 * belong to the database it is found in, a slot that moved without the relay, and a relay
 * upgraded from keeping its position in Kafka.
 */
@ExtendWith(OutputCaptureExtension.class)
class RelayPositionIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	private final String bootstrapServers = EmbeddedKafkaServer.shared().bootstrapServers();

	@Test
	void servicesSharingOneKafkaAndOneDatabaseServerWithDefaultSettingsKeepTheirOwnPositions() throws Exception {
		// Only what must differ differs: the database and the slot (slot names are server-wide).
		Database ordersDatabase = TestDatabase.create("orders_service");
		Database billingDatabase = TestDatabase.create("billing_service");
		String orders = "orders" + System.nanoTime();
		String billing = "billing" + System.nanoTime();
		try (KafkaRecordCollector records = new KafkaRecordCollector(this.bootstrapServers,
				Pattern.compile("outbox\\.event\\.(" + orders + "|" + billing + ")"))) {
			List<String> ordersEvents = new ArrayList<>();
			try (ConfigurableApplicationContext service = startService(ordersDatabase, true)) {
				ordersEvents.addAll(RelayTestSupport.publishEach(service, orders, 20));
				records.awaitKeys(ordersEvents, DELIVERY);
			}
			// The second service writes while its relay is off, then turns it on: it must start
			// from its own slot, not from where the first service's relay stopped.
			List<String> billingEvents = new ArrayList<>();
			try (ConfigurableApplicationContext service = startService(billingDatabase, false)) {
				billingEvents.addAll(RelayTestSupport.publishEach(service, billing, 4));
			}
			try (ConfigurableApplicationContext service = startService(billingDatabase, true)) {
				billingEvents.addAll(RelayTestSupport.publishEach(service, billing, 10));
				records.awaitKeys(billingEvents, DELIVERY);
			}
			try (ConfigurableApplicationContext service = startService(ordersDatabase, true)) {
				ordersEvents.addAll(RelayTestSupport.publishEach(service, orders, 5));
				records.awaitKeys(ordersEvents, DELIVERY);
			}
			assertThat(keys(records, orders)).as("each orders event once").hasSameSizeAs(ordersEvents)
				.containsExactlyInAnyOrderElementsOf(ordersEvents);
			assertThat(keys(records, billing)).as("each billing event once").hasSameSizeAs(billingEvents)
				.containsExactlyInAnyOrderElementsOf(billingEvents);
		}
	}

	@Test
	void twoDatabasesOfOneServerCannotShareTheDefaultSlotName(CapturedOutput output) {
		Database first = TestDatabase.create("default_slot_first");
		Database second = TestDatabase.create("default_slot_second");
		String slot = "outbox_slot_" + UUID.randomUUID().toString().substring(0, 8);
		try (ConfigurableApplicationContext service = startService(first, true, "outbox.relay.slot-name=" + slot)) {
			assertThatException().isThrownBy(() -> startService(second, true, "outbox.relay.slot-name=" + slot));
		}
		assertThat(output).contains("APPLICATION FAILED TO START", "The replication slot '" + slot
				+ "' exists but belongs to another consumer (plugin pgoutput, database " + first.name() + ").",
				"Set outbox.relay.slot-name to a slot of its own for the relay.");
	}

	@Test
	void positionTakenOnAnotherServerStopsTheRelayWithAReportAndNothingIsSkipped() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("foreign_position");
		try (KafkaRecordCollector records = relay.collector()) {
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
				records.awaitKeys(RelayTestSupport.publishEach(service, "parcel", 5), DELIVERY);
			}
			List<String> later;
			try (ConfigurableApplicationContext writer = relay.start(TestApplication.class, "outbox.relay.enabled=false")) {
				// As if the database had been restored onto this server from another one.
				jdbc(writer).update("UPDATE outbox_relay_position SET system_identifier = system_identifier + 1");
				later = RelayTestSupport.publishEach(writer, "parcel", 5);
			}
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
				Failure failure = awaitFailure(service);
				assertThat(failure.needsOperator()).isTrue();
				assertThat(failure.description()).contains("was taken on another PostgreSQL server")
					.contains("The relay does not start from it");
				assertThat(failure.action()).contains("DELETE FROM \"public\".\"outbox_relay_position\" WHERE slot_name = '"
						+ relay.slotName() + "'");
				Health health = service.getBean(OutboxRelayHealthIndicator.class).health(true);
				assertThat(health.getStatus()).as("DOWN at once: this needs an operator").isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("action");
				assertThat(keys(records, null)).doesNotContainAnyElementsOf(later);

				jdbc(service).update("DELETE FROM outbox_relay_position");
				records.awaitKeys(later, DELIVERY);
			}
		}
	}

	@Test
	void slotMovedPastThePositionReplaysTheEventsInBetweenRatherThanSkipThem(CapturedOutput output) throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("moved_slot");
		try (KafkaRecordCollector records = relay.collector()) {
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
				records.awaitKeys(RelayTestSupport.publishEach(service, "parcel", 5), DELIVERY);
			}
			// What PostgreSQL or the relay stopping at the wrong moment leaves behind (Debezium
			// confirms to the slot before the position is written), or an operator's advance.
			List<String> skippedBySlot;
			try (ConfigurableApplicationContext writer = relay.start(TestApplication.class, "outbox.relay.enabled=false")) {
				skippedBySlot = RelayTestSupport.publishEach(writer, "parcel", 5);
				jdbc(writer).queryForObject("SELECT pg_replication_slot_advance(?, pg_current_wal_lsn())::text",
						String.class, relay.slotName());
			}
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
				records.awaitKeys(skippedBySlot, DELIVERY);
				List<String> later = RelayTestSupport.publishEach(service, "parcel", 3);
				records.awaitKeys(later, DELIVERY);
				assertThat(service.getBean(OutboxRelay.class).failure()).isNull();
			}
			assertThat(output).contains("Replication slot '" + relay.slotName() + "' is ahead of the relay's stored position",
					"are replayed from the outbox table");
		}
	}

	@Test
	void slotAheadOfThePositionByWhatThisInstanceDeliveredGoesOnWithoutAReplay(CapturedOutput output)
			throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("acknowledged_slot");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
			JdbcTemplate jdbc = jdbc(service);
			List<String> first = RelayTestSupport.publishEach(service, "parcel", 5);
			records.awaitKeys(first, DELIVERY);
			String position = "SELECT offset_value || '|' || lsn FROM outbox_relay_position WHERE slot_name = ? "
					+ "AND offset_value LIKE '%lsn%'";
			await().atMost(DELIVERY).until(() -> !jdbc.queryForList(position, String.class, relay.slotName()).isEmpty());
			String[] earlier = jdbc.queryForObject(position, String.class, relay.slotName()).split("\\|");
			List<String> second = RelayTestSupport.publishEach(service, "parcel", 5);
			records.awaitKeys(second, DELIVERY);
			service.stop();
			// What PostgreSQL stopping at the wrong moment leaves behind: Debezium confirmed to the
			// slot what Kafka acknowledged, and the position covering it was never written.
			jdbc.update("UPDATE outbox_relay_position SET offset_value = ?, lsn = ? WHERE slot_name = ? "
					+ "AND offset_value LIKE '%lsn%'", earlier[0], Long.parseLong(earlier[1]), relay.slotName());
			assertThat(jdbc.queryForObject("SELECT (confirmed_flush_lsn - ('0/0'::pg_lsn + ?::numeric))::bigint "
					+ "FROM pg_replication_slots WHERE slot_name = ?", Long.class, Long.parseLong(earlier[1]),
					relay.slotName())).isPositive();
			service.start();
			List<String> later = RelayTestSupport.publishEach(service, "parcel", 3);
			records.awaitKeys(later, DELIVERY);
			List<String> keys = keys(records, "parcel");
			assertThat(keys).containsAll(first).containsAll(second);
			// The slot confirms a transaction once the next one begins: the last one may come again,
			// and nothing else (a replay would send all ten).
			List<String> sentTwice = keys.stream().filter((key) -> keys.indexOf(key) != keys.lastIndexOf(key)).distinct().toList();
			assertThat(sentTwice).isSubsetOf(second.get(second.size() - 1));
			assertThat(output).doesNotContain("is ahead of the relay's stored position");
		}
	}

	@Test
	void relayUpgradedFromKeepingItsPositionInKafkaResumesFromItsSlot() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("upgraded");
		// How earlier builds kept the position: Kafka Connect's offset store, in a compacted topic.
		String[] earlierBuild = { "outbox.relay.debezium.offset.storage=org.apache.kafka.connect.storage.KafkaOffsetBackingStore",
				"outbox.relay.debezium.offset.storage.topic=" + relay.name() + "-offsets",
				"outbox.relay.debezium.offset.storage.partitions=1",
				"outbox.relay.debezium.offset.storage.replication.factor=1",
				"outbox.relay.debezium.bootstrap.servers=" + this.bootstrapServers };
		try (KafkaRecordCollector records = relay.collector()) {
			List<String> before;
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class, earlierBuild)) {
				before = RelayTestSupport.publishEach(service, "parcel", 30);
				records.awaitKeys(before, DELIVERY);
				assertThat(jdbc(service).queryForObject("SELECT count(*) FROM outbox_relay_position", Integer.class))
					.isZero();
			}
			List<String> after;
			try (ConfigurableApplicationContext writer = relay.start(TestApplication.class, "outbox.relay.enabled=false")) {
				after = RelayTestSupport.publishEach(writer, "parcel", 10);
			}
			try (ConfigurableApplicationContext service = relay.start(TestApplication.class)) {
				records.awaitKeys(after, DELIVERY);
				await().atMost(DELIVERY)
					.until(() -> jdbc(service).queryForObject("SELECT count(*) FROM outbox_relay_position",
							Integer.class) == 1);
			}
			List<String> received = keys(records, null);
			// The slot is confirmed up to the last transaction of each position commit, and only the
			// position tells Debezium which of that transaction's events it had sent: after a
			// graceful stop, the upgrade sends the last transaction again (here, one event).
			assertThat(received).containsAll(before).containsAll(after);
			assertThat(received.size() - received.stream().distinct().count()).as("sent again").isLessThanOrEqualTo(1);
		}
	}

	private Failure awaitFailure(ConfigurableApplicationContext service) {
		OutboxRelay relay = service.getBean(OutboxRelay.class);
		return await().atMost(DELIVERY).until(relay::failure, (failure) -> failure != null);
	}

	private ConfigurableApplicationContext startService(Database database, boolean relay, String... more) {
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.username(),
					"spring.kafka.bootstrap-servers=" + this.bootstrapServers, "outbox.relay.enabled=" + relay,
					"outbox.relay.slot-name=" + database.name() + "_slot")
			.properties(more)
			.run();
	}

	private static List<String> keys(KafkaRecordCollector records, String topicSuffix) {
		return records.records()
			.stream()
			.filter((record) -> topicSuffix == null || record.topic().endsWith("." + topicSuffix))
			.map(Received::key)
			.toList();
	}

	private static JdbcTemplate jdbc(ConfigurableApplicationContext context) {
		return context.getBean(JdbcTemplate.class);
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
