package io.github.outbox.relay;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.github.outbox.schema.OutboxTable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Debezium configurations shipped in {@code db/debezium} against each other and against
 * what the embedded relay runs, so that all three route, key and head records alike.
 */
class ShippedConnectorConfigurationTests {

	private static final Path DEBEZIUM_SERVER = Path.of("..", "db", "debezium", "debezium-server",
			"application.properties");

	@Test
	void shippedConnectorRoutesTheOutboxWithTheDocumentedNames() {
		Map<String, String> connector = OutboxConnectorSettings.shipped();
		assertThat(connector).containsEntry("slot.name", "outbox_slot")
			.containsEntry("slot.retry.delay.ms", "1000")
			.containsEntry("slot.max.retries", "60")
			.containsEntry("publication.name", "outbox_publication")
			.containsEntry("publication.autocreate.mode", "disabled")
			.containsEntry("table.include.list", "public.outbox_event")
			.containsEntry("snapshot.mode", "no_data")
			.containsEntry("extended.headers.enabled", "false")
			.containsEntry("signal.data.collection", "public.outbox_signal")
			.containsEntry("transforms", "dropSignals,outbox,dropRouterId,headers")
			.containsEntry("predicates.isSignal.pattern", ".*\\.public\\.outbox_signal")
			.containsEntry("transforms.dropRouterId.headers", "id")
			.containsEntry("transforms.outbox.route.topic.replacement", "outbox.event.${routedByValue}")
			.containsEntry("transforms.outbox.table.fields.additional.placement",
					"id:header:eventId,type:header:eventType,headers:header:outbox-headers")
			.containsEntry("value.converter", "org.apache.kafka.connect.storage.StringConverter");
	}

	@Test
	void debeziumServerConfigurationHasTheSameConnectorAndTransforms() throws IOException {
		Properties server = new Properties();
		try (Reader reader = Files.newBufferedReader(DEBEZIUM_SERVER)) {
			server.load(reader);
		}
		Map<String, String> expected = new TreeMap<>();
		OutboxConnectorSettings.shipped().forEach((key, value) -> {
			if (key.startsWith("transforms") || key.startsWith("predicates")) {
				expected.put("debezium." + key, value);
			}
			else if (!key.contains("converter") && !key.startsWith("topic.creation.") && !key.equals("tasks.max")
					&& !key.equals("database.password")) {
				expected.put("debezium.source." + key, value);
			}
		});
		Map<String, String> actual = new TreeMap<>();
		// Debezium Server (Quarkus) expands ${...} in values: the router's own placeholder is
		// escaped there, \${routedByValue}.
		expected.keySet().forEach((key) -> actual.put(key, server.getProperty(key).replace("\\${", "${")));
		assertThat(actual).isEqualTo(expected);
	}

	@Test
	void embeddedRelayRunsTheShippedConnectorWithItsOwnAddressesAndNames() {
		OutboxRelayProperties relay = new OutboxRelayProperties();
		relay.setSlotName("orders_slot");
		relay.setTopic("events.${routedByValue}");
		relay.getDebezium().put("snapshot.mode", "when_needed");
		RelayDatabase database = new RelayDatabase("jdbc:postgresql://db:6543/orders", "db", 6543, "orders", "relay",
				"secret", "require", false);
		Properties engine = OutboxConnectorSettings.forEmbeddedEngine(database,
				new OutboxTable("sales", "outbox", "sales_publication", "outbox_inbox", "sales_signal", "outbox_relay_position", "outbox_event_schema"), relay);

		Map<String, String> shipped = OutboxConnectorSettings.shipped();
		for (String routing : new String[] { "transforms", "transforms.outbox.type", "transforms.dropRouterId.type",
				"transforms.dropRouterId.headers",
				"transforms.outbox.table.fields.additional.placement", "transforms.outbox.table.field.event.timestamp",
				"transforms.headers.type", "transforms.headers.header", "transforms.dropSignals.type",
				"transforms.dropSignals.predicate", "predicates", "predicates.isSignal.type", "plugin.name", "topic.prefix",
				"publication.autocreate.mode" }) {
			assertThat(engine.getProperty(routing)).as(routing).isEqualTo(shipped.get(routing));
		}
		assertThat(engine).containsEntry("database.hostname", "db")
			.containsEntry("database.port", "6543")
			.containsEntry("database.dbname", "orders")
			.containsEntry("database.user", "relay")
			.containsEntry("database.password", "secret")
			.containsEntry("database.sslmode", "require")
			.containsEntry("slot.name", "orders_slot")
			.containsEntry("publication.name", "sales_publication")
			.containsEntry("table.include.list", "sales.outbox")
			.containsEntry("signal.data.collection", "sales.sales_signal")
			.containsEntry("predicates.isSignal.pattern", ".*\\Q.sales.sales_signal\\E")
			.containsEntry("transforms.outbox.route.topic.replacement", "events.${routedByValue}")
			.containsEntry("offset.storage", RelayPositionStore.class.getName())
			.containsEntry("offset.flush.interval.ms", "1000")
			.containsEntry("errors.max.retries", "0")
			.containsEntry("database.options", "-c wal_sender_timeout=0")
			.containsEntry("snapshot.mode", "when_needed");
		assertThat(engine.stringPropertyNames()).as("no Kafka settings: the position is kept in the database")
			.noneMatch((key) -> key.startsWith("bootstrap.") || key.startsWith("offset.storage.topic"));
		assertThat(engine.stringPropertyNames()).noneMatch((key) -> key.contains("converter") || key.startsWith("topic.creation"));
	}

}
