package io.github.outbox.relay;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.utils.AppInfoParser;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/**
 * Warns when the class path's Kafka is not the minor version the relay (Debezium's engine, and
 * Kafka Connect's runtime under it) is built and tested with: Spring Boot's dependency
 * management chooses its own unless the build aligns it. A warning, not a refusal: the engine
 * may run, but nothing here has tested it.
 */
final class RelayKafkaVersion {

	private static final Logger logger = LoggerFactory.getLogger(RelayKafkaVersion.class);

	private RelayKafkaVersion() {
	}

	static void warnIfUntested() {
		String warning = warning(tested(), AppInfoParser.getVersion());
		if (warning != null) {
			logger.warn(warning);
		}
	}

	static @Nullable String warning(String tested, String present) {
		if (minor(tested).equals(minor(present))) {
			return null;
		}
		return "The embedded relay is built and tested with Kafka " + tested + ", but the class path has Kafka "
				+ present + " (org.apache.kafka:kafka-clients, chosen by the build's dependency management). Align "
				+ "it: with spring-boot-starter-parent, set <kafka.version>" + tested + "</kafka.version>; otherwise "
				+ "import io.github.outbox:outbox-dependencies before spring-boot-dependencies.";
	}

	static String tested() {
		try {
			return PropertiesLoaderUtils
				.loadProperties(new ClassPathResource("relay-build.properties", RelayKafkaVersion.class))
				.getProperty("kafka.version");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("relay-build.properties cannot be read from outbox-autoconfigure", ex);
		}
	}

	private static String minor(String version) {
		String[] parts = version.split("\\.");
		return (parts.length >= 2) ? parts[0] + "." + parts[1] : version;
	}

}
