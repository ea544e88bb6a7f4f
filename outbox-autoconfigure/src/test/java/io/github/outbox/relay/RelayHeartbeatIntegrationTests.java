package io.github.outbox.relay;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.RelayTestSupport;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped heartbeat: while the service writes only to other tables, the relay's slot
 * still advances, so PostgreSQL can recycle the WAL, and nothing but events reaches Kafka.
 */
class RelayHeartbeatIntegrationTests {

	@Test
	void slotAdvancesWhileOnlyOtherTablesAreWritten() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("heartbeat");
		try (ConfigurableApplicationContext context = relay.start(TestApplication.class,
					// Shorter than the shipped 10s, for the test's sake.
					"outbox.relay.debezium.heartbeat.interval.ms=500")) {
			OutboxRelay outboxRelay = context.getBean(OutboxRelay.class);
			await().atMost(Duration.ofSeconds(60)).until(outboxRelay::isRelaying);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE shipment (id serial PRIMARY KEY, label text)");
			for (int i = 0; i < 200; i++) {
				jdbc.update("INSERT INTO shipment (label) VALUES (repeat('x', 1000))");
			}
			String written = jdbc.queryForObject("SELECT pg_current_wal_lsn()::text", String.class);

			await().atMost(Duration.ofSeconds(30))
				.until(() -> jdbc.queryForObject(
						"SELECT confirmed_flush_lsn >= CAST(? AS pg_lsn) FROM pg_replication_slots WHERE slot_name = ?",
						Boolean.class, written, relay.slotName()));

			try (Admin admin = Admin.create(Map.of("bootstrap.servers", relay.bootstrapServers()))) {
				Set<String> topics = admin.listTopics().names().get();
				assertThat(topics).noneMatch((topic) -> topic.contains(relay.name()) && !topic.endsWith("-offsets"));
			}
		}
	}

	@JdbcTestApplication
	static class TestApplication {

	}

}
