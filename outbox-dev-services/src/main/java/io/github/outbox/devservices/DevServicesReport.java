package io.github.outbox.devservices;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Says where the dev services an application started listen, once it is ready, so that a
 * developer can point psql, kcat or an IDE at them (the JDBC URL carries no credentials: the
 * server trusts local connections). Says at once which dev service an address of the
 * application's own replaced, since a start that then fails never gets ready.
 */
final class DevServicesReport implements ApplicationListener<ApplicationReadyEvent>, InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(DevServicesReport.class);

	private final ObjectProvider<EmbeddedPostgresServer.Database> database;

	private final ObjectProvider<EmbeddedKafkaServer> kafka;

	private final Environment environment;

	DevServicesReport(ObjectProvider<EmbeddedPostgresServer.Database> database,
			ObjectProvider<EmbeddedKafkaServer> kafka, Environment environment) {
		this.database = database;
		this.kafka = kafka;
		this.environment = environment;
	}

	@Override
	public void afterPropertiesSet() {
		replaced("PostgreSQL", "spring.datasource.url");
		replaced("Kafka", "spring.kafka.bootstrap-servers");
	}

	// DevServicesAutoConfiguration starts no dev service whose address the application sets.
	private void replaced(String service, String property) {
		String address = this.environment.getProperty(property);
		if (address != null) {
			logger.info("Dev services: {} not started, the application sets {}={}", service, property, address);
		}
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
