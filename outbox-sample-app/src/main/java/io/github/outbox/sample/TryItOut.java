package io.github.outbox.sample;

import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Says, once the service is ready, where it listens and how to try it.
 */
@Component
class TryItOut {

	private static final Logger logger = LoggerFactory.getLogger(TryItOut.class);

	private final Environment environment;

	private final ObjectProvider<JdbcConnectionDetails> database;

	private final ObjectProvider<KafkaConnectionDetails> kafka;

	TryItOut(Environment environment, ObjectProvider<JdbcConnectionDetails> database,
			ObjectProvider<KafkaConnectionDetails> kafka) {
		this.environment = environment;
		this.database = database;
		this.kafka = kafka;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		String port = this.environment.getProperty("local.server.port", "8080");
		String jdbcUrl = this.database.stream().map(JdbcConnectionDetails::getJdbcUrl).findFirst().orElse("?");
		String bootstrapServers = this.kafka.stream()
			.map(KafkaConnectionDetails::getBootstrapServers)
			.map((servers) -> String.join(",", servers))
			.findFirst()
			.orElse("?");
		logger.info(instructions("http://localhost:" + port, jdbcUrl, bootstrapServers));
	}

	static String instructions(String baseUrl, String jdbcUrl, String bootstrapServers) {
		List<String> lines = List.of("", "Order service listening on " + baseUrl,
				"  PostgreSQL: " + withoutCredentials(jdbcUrl), "  Kafka:      " + bootstrapServers, "Try:",
				"  curl -s -X POST " + baseUrl + "/orders -H 'Content-Type: application/json' "
						+ "-d '{\"customer\":\"alice\",\"total\":42.50}'",
				"  curl -s " + baseUrl + "/order-views",
				"  curl -s -X POST " + baseUrl + "/orders/<id>/cancel -H 'Content-Type: application/json' "
						+ "-d '{\"reason\":\"changed my mind\"}'",
				"Watch the pipeline, and fire faults at it: " + baseUrl + "/actuator/outboxconsole");
		return lines.stream().collect(Collectors.joining(System.lineSeparator()));
	}

	private static String withoutCredentials(String jdbcUrl) {
		int query = jdbcUrl.indexOf('?');
		return (query < 0) ? jdbcUrl : jdbcUrl.substring(0, query);
	}

}
