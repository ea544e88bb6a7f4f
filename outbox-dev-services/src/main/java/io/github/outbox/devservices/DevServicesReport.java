package io.github.outbox.devservices;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Says, once the application is ready, where the dev services it started listen, so that a
 * developer can point psql, kcat or an IDE at them. The JDBC URL carries no credentials (the
 * server trusts local connections).
 */
final class DevServicesReport implements ApplicationListener<ApplicationReadyEvent> {

	private static final Logger logger = LoggerFactory.getLogger(DevServicesReport.class);

	private final ObjectProvider<EmbeddedPostgresServer.Database> database;

	private final ObjectProvider<EmbeddedKafkaServer> kafka;

	DevServicesReport(ObjectProvider<EmbeddedPostgresServer.Database> database,
			ObjectProvider<EmbeddedKafkaServer> kafka) {
		this.database = database;
		this.kafka = kafka;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		List<String> services = new ArrayList<>();
		this.database.ifAvailable((database) -> services.add("PostgreSQL at " + database.jdbcUrl()));
		this.kafka.ifAvailable((kafka) -> services.add("Kafka at " + kafka.bootstrapServers()));
		if (!services.isEmpty()) {
			logger.info("Dev services: {}", String.join(", ", services));
		}
	}

}
