package io.github.outbox.devservices;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the embedded servers' start-up chatter (the Kafka broker's and controller's INFO lines,
 * zonky's) out of an application's log when dev services are enabled: WARN and above only,
 * as defaults that any {@code logging.level.*} the application sets overrides. That includes
 * the configuration dumps of every Kafka client ({@code AbstractConfig}); the clients' other
 * loggers keep their levels.
 */
class DevServicesLogLevels implements EnvironmentPostProcessor {

	// AbstractConfig prints every Kafka configuration it builds (the broker's three of 361 lines
	// each, and the application's clients'): in development, noise.
	private static final List<String> SERVER_LOGGERS = List.of("kafka", "state.change.logger",
			"org.apache.kafka.common.config.AbstractConfig",
			"org.apache.kafka.controller", "org.apache.kafka.coordinator", "org.apache.kafka.image",
			"org.apache.kafka.metadata", "org.apache.kafka.queue", "org.apache.kafka.raft",
			"org.apache.kafka.server", "org.apache.kafka.snapshot", "org.apache.kafka.storage",
			"io.zonky.test.db.postgres");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("outbox.dev-services.enabled", Boolean.class, false)) {
			return;
		}
		Map<String, Object> levels = new LinkedHashMap<>();
		SERVER_LOGGERS.forEach((logger) -> levels.put("logging.level." + logger, "warn"));
		environment.getPropertySources().addLast(new MapPropertySource("outboxDevServicesLogLevels", levels));
	}

}
