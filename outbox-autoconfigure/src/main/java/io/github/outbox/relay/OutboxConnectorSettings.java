package io.github.outbox.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.outbox.schema.OutboxTable;

/**
 * The settings of the Debezium connector that relays the outbox, read from the Kafka Connect
 * configuration shipped in {@code db/debezium/kafka-connect/outbox-connector.json}, so that
 * the embedded relay and a Kafka Connect deployment route, key and head records the same way.
 * The embedded relay replaces the addresses and names in it with the application's and adds
 * what only an embedded engine needs.
 */
final class OutboxConnectorSettings {

	static final String RESOURCE = "io/github/outbox/relay/outbox-connector.json";

	// Kafka Connect settings that mean nothing to the embedded engine: the relay converts
	// records and creates topics itself.
	private static final String[] CONNECT_ONLY_PREFIXES = { "key.converter", "value.converter", "header.converter",
			"topic.creation.", "tasks.max" };

	private OutboxConnectorSettings() {
	}

	/**
	 * Returns the connector settings exactly as shipped.
	 * @return the {@code config} object of the shipped connector configuration
	 */
	static Map<String, String> shipped() {
		try (InputStream json = OutboxConnectorSettings.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			if (json == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the class path");
			}
			Map<String, String> config = new LinkedHashMap<>();
			JsonNode root = new ObjectMapper().readTree(json);
			root.get("config").fields().forEachRemaining((field) -> config.put(field.getKey(), field.getValue().asText()));
			return config;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the settings of the embedded engine, without its position store, which each run
	 * adds.
	 * @param database where Debezium connects
	 * @param table the outbox table and its publication
	 * @param relay the relay's configuration
	 * @return the engine properties
	 */
	static Properties forEmbeddedEngine(RelayDatabase database, OutboxTable table, OutboxRelayProperties relay) {
		Properties properties = new Properties();
		shipped().forEach((key, value) -> {
			if (!isConnectOnly(key)) {
				properties.setProperty(key, value);
			}
		});
		properties.setProperty("name", "outbox-relay");
		properties.setProperty("database.hostname", database.host());
		properties.setProperty("database.port", Integer.toString(database.port()));
		properties.setProperty("database.dbname", database.database());
		properties.setProperty("database.user", database.user());
		properties.setProperty("database.password", (database.password() != null) ? database.password() : "");
		if (database.sslMode() != null) {
			properties.setProperty("database.sslmode", database.sslMode());
		}
		// The relay waits on Kafka without end: PostgreSQL must not drop its replication
		// connection meanwhile (wal_sender_timeout, 60s by default), or streaming resumes only
		// after a reconnect. A reader that froze is ended by the instance that takes over.
		properties.setProperty("database.options", "-c wal_sender_timeout=0");
		properties.setProperty("slot.name", relay.getSlotName());
		properties.setProperty("publication.name", table.publication());
		properties.setProperty("table.include.list", table.dataCollection());
		properties.setProperty("signal.data.collection", table.signalDataCollection());
		properties.setProperty("predicates.isSignal.pattern", ".*" + Pattern.quote("." + table.signalDataCollection()));
		properties.setProperty("transforms.outbox.route.topic.replacement", relay.getTopic());

		// The position is kept in the outbox database, next to its slot.
		properties.setProperty("offset.storage", RelayPositionStore.class.getName());
		properties.setProperty("offset.flush.interval.ms", Long.toString(relay.getOffsets().getFlushInterval().toMillis()));
		// One retry policy: the engine gives up on the first failure and the relay starts it
		// again with outbox.relay.retry.*, which also keeps its state visible to the health.
		properties.setProperty("errors.max.retries", "0");
		// The slot is free by the time the engine starts (the relay takes it over first); should
		// it still be busy, retry soon rather than after Debezium's 10s.
		properties.setProperty("retry.delay.ms", "500");

		properties.putAll(relay.getDebezium());
		return properties;
	}

	private static boolean isConnectOnly(String key) {
		for (String prefix : CONNECT_ONLY_PREFIXES) {
			if (key.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
