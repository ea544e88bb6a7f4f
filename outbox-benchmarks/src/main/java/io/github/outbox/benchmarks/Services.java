package io.github.outbox.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.devservices.TcpProxy;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * One PostgreSQL and one Kafka for the whole run, and a fresh database, slot and topics for
 * each service started on them.
 */
final class Services {

	private final EmbeddedPostgresServer postgres;

	private final boolean fsync;

	private final EmbeddedKafkaServer kafka = EmbeddedKafkaServer.shared();

	/**
	 * Starts the PostgreSQL server of the run.
	 * @param fsync whether the server waits for the disk (as production does) or not (the
	 * dev services' setting)
	 */
	Services(boolean fsync) {
		this.fsync = fsync;
		this.postgres = EmbeddedPostgresServer.start(Map.of("fsync", fsync ? "on" : "off"));
		Runtime.getRuntime().addShutdownHook(new Thread(this.postgres::close, "benchmark-postgres-shutdown"));
	}

	boolean fsync() {
		return this.fsync;
	}

	String bootstrapServers() {
		return this.kafka.bootstrapServers();
	}

	/**
	 * Creates a database for a scenario.
	 * @param name a prefix for its name
	 * @return the database
	 */
	Database database(String name) {
		return this.postgres.createDatabase(name);
	}

	/**
	 * Opens a way to the PostgreSQL server through a simulated network.
	 * @param latency the one-way delay
	 * @return the proxy, to close after use
	 */
	TcpProxy network(Duration latency) {
		TcpProxy proxy = new TcpProxy();
		proxy.forwardTo(this.postgres.port());
		proxy.setLatency(latency);
		return proxy;
	}

	/**
	 * Returns a database's JDBC URL through a proxy.
	 * @param database the database
	 * @param proxy the proxy in front of the server
	 * @return the URL
	 */
	String jdbcUrlThrough(Database database, TcpProxy proxy) {
		return database.jdbcUrl().replace(":" + this.postgres.port() + "/", ":" + proxy.port() + "/");
	}

	/**
	 * Starts the service on a database.
	 * @param database the database
	 * @param relay whether the embedded relay runs
	 * @param properties further properties
	 * @return the running service
	 */
	ConfigurableApplicationContext start(Database database, boolean relay, Map<String, String> properties) {
		List<String> all = new ArrayList<>(List.of("spring.datasource.url=" + database.jdbcUrl(),
				"spring.datasource.username=" + database.username(),
				"spring.kafka.bootstrap-servers=" + this.kafka.bootstrapServers(),
				"outbox.relay.enabled=" + relay, "outbox.relay.slot-name=" + slotName(database),
				"outbox.relay.topic=" + topicPrefix(database) + "${routedByValue}",
				"outbox.relay.debezium.topic.prefix=" + database.name()));
		properties.forEach((key, value) -> all.add(key + "=" + value));
		return new SpringApplicationBuilder(BenchmarkApplication.class).properties(all.toArray(String[]::new)).run();
	}

	/**
	 * Starts the service on a database with the Spring peer publishing instead of the relay:
	 * Spring Modulith's registry and Kafka externalization, to a topic of the database's own.
	 * @param database the database
	 * @return the running service
	 */
	ConfigurableApplicationContext startModulith(Database database) {
		String topic = modulithTopic(database);
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
			admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all().get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Could not create topic " + topic, ex.getCause());
		}
		return start(database, false, Map.of(ModulithPeer.TOPIC_PROPERTY, topic, "spring.kafka.producer.value-serializer",
				JacksonJsonSerializer.class.getName()));
	}

	/**
	 * Creates the slot of a database's relay, as a deployment whose relay runs elsewhere does
	 * before its first event.
	 * @param database the database
	 */
	void createSlot(Database database) {
		new JdbcTemplate(database.dataSource()).queryForObject(
				"SELECT pg_create_logical_replication_slot(?, 'pgoutput')::text", String.class, slotName(database));
	}

	/**
	 * Drops the slot of a database's relay, if it has one, so that it holds no WAL once its
	 * scenario ended.
	 * @param database the database
	 */
	void dropSlot(Database database) {
		new JdbcTemplate(database.dataSource()).query("SELECT pg_drop_replication_slot(slot_name) FROM "
				+ "pg_replication_slots WHERE slot_name = ? AND NOT active", (row) -> {
				}, slotName(database));
	}

	static String modulithTopic(Database database) {
		return topicPrefix(database) + "modulith";
	}

	static String slotName(Database database) {
		return database.name() + "_slot";
	}

	static String topicPrefix(Database database) {
		return database.name() + ".";
	}

}
