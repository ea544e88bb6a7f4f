package io.github.outbox.devservices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application started on dev services, as a developer runs one: what its log says.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevServicesApplicationTests {

	@Test
	void readyApplicationSaysWhereItsDevServicesListenAndKeepsTheServersQuiet(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("outbox.dev-services.enabled=true", "spring.main.banner-mode=off")
			.run()) {
			String jdbcUrl = context.getBean(EmbeddedPostgresServer.Database.class).jdbcUrl();
			String kafka = context.getBean(EmbeddedKafkaServer.class).bootstrapServers();
			assertThat(output).contains("Dev services: PostgreSQL at " + jdbcUrl + ", Kafka at " + kafka);
			LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
			assertThat(logging.getLoggerConfiguration("kafka.server").getEffectiveLevel()).isEqualTo(LogLevel.WARN);
			assertThat(logging.getLoggerConfiguration("org.apache.kafka.controller").getEffectiveLevel())
				.isEqualTo(LogLevel.WARN);
			assertThat(logging.getLoggerConfiguration("org.apache.kafka.common.config.AbstractConfig")
				.getEffectiveLevel()).isEqualTo(LogLevel.WARN);
			assertThat(output).doesNotContain("Transition from STARTING to STARTED", "Kafka Server started");
		}
	}

	@Test
	void addressOfTheApplicationsOwnThatReplacesADevServiceIsSaidAtOnce(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("outbox.dev-services.enabled=true", "spring.main.banner-mode=off",
					"spring.kafka.bootstrap-servers=kafka:9092")
			.run()) {
			assertThat(output).contains(
					"Dev services: Kafka not started, the application sets spring.kafka.bootstrap-servers=kafka:9092",
					"Dev services: PostgreSQL at ");
		}
	}

	@Test
	void kafkaOfAnotherVersionIsAFailureReportWithThePropertyToSet() {
		KafkaVersionMismatchException mismatch = new KafkaVersionMismatchException(
				KafkaVersion.message("4.3.0", "4.2.2"), KafkaVersion.advice("4.3.0"));
		FailureAnalysis analysis = new KafkaVersionFailureAnalyzer()
			.analyze(new BeanCreationException("devServicesKafka", "failed", mismatch));
		assertThat(analysis.getDescription()).contains("needs Kafka 4.3.x", "class path has Kafka 4.2.2");
		assertThat(analysis.getAction()).contains("<kafka.version>4.3.0</kafka.version>",
				"io.github.outbox:outbox-dependencies");
	}

	@Test
	void levelsTheApplicationSetsWin() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("outbox.dev-services.enabled=true", "spring.main.banner-mode=off",
					"logging.level.org.apache.kafka.controller=info")
			.run()) {
			assertThat(LoggingSystem.get(getClass().getClassLoader())
				.getLoggerConfiguration("org.apache.kafka.controller")
				.getEffectiveLevel()).isEqualTo(LogLevel.INFO);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
