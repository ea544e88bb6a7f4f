package io.github.outbox.devservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The Kafka version the embedded broker needs. Its classes (Kafka's test kit, coordinators)
 * come at the version dev services is built with, while a build's dependency management (Spring
 * Boot's) may choose another for the broker's other modules; mixed, they fail with a
 * {@link NoClassDefFoundError} deep inside the broker. Checked before starting, to say so and
 * what to change instead.
 */
final class KafkaVersion {

	private KafkaVersion() {
	}

	static void requireTheOneDevServicesIsBuiltFor() {
		String required = builtFor();
		String present = AppInfoParser.getVersion();
		if (!minor(required).equals(minor(present))) {
			throw new KafkaVersionMismatchException(message(required, present), advice(required));
		}
	}

	static String message(String required, String present) {
		return "The embedded Kafka broker of outbox-dev-services needs Kafka " + minor(required) + ".x (built with "
				+ required + "), but the class path has Kafka " + present + " (org.apache.kafka:kafka-clients), "
				+ "chosen by the build's dependency management (Spring Boot's, unless you override it). "
				+ advice(required);
	}

	static String advice(String required) {
		return "With spring-boot-starter-parent as the parent, set <kafka.version>" + required + "</kafka.version> "
				+ "in your POM's properties; with Spring Boot's BOM imported instead, import "
				+ "io.github.outbox:outbox-dependencies before it. For Gradle, set the kafka.version property.";
	}

	static String builtFor() {
		Properties properties = new Properties();
		try (InputStream in = KafkaVersion.class.getResourceAsStream("dev-services.properties")) {
			if (in == null) {
				throw new IllegalStateException("dev-services.properties is missing from outbox-dev-services");
			}
			properties.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return properties.getProperty("kafka.version");
	}

	private static String minor(String version) {
		String[] parts = version.split("\\.");
		return (parts.length >= 2) ? parts[0] + "." + parts[1] : version;
	}

}
