package io.github.outbox.devservices;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DevServicesAutoConfiguration}.
 */
class DevServicesAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DevServicesAutoConfiguration.class, DataSourceAutoConfiguration.class,
					KafkaAutoConfiguration.class));

	@Test
	void offUnlessEnabled() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DevServicesAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedPostgresServer.class)
				.doesNotHaveBean(JdbcConnectionDetails.class)
				.doesNotHaveBean(EmbeddedKafkaServer.class)
				.doesNotHaveBean(KafkaConnectionDetails.class));
	}

	@Test
	void enabledStartsPostgresWithLogicalReplicationAndKafkaAndStopsThemWithTheContext() throws Exception {
		long[] postgresPid = new long[1];
		this.contextRunner.withPropertyValues("outbox.dev-services.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(EmbeddedPostgresServer.class).hasSingleBean(EmbeddedKafkaServer.class);
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					Statement statement = connection.createStatement();
					ResultSet walLevel = statement.executeQuery("SHOW wal_level")) {
				walLevel.next();
				assertThat(walLevel.getString(1)).isEqualTo("logical");
			}
			assertThat(context.getBean(KafkaConnectionDetails.class).getBootstrapServers())
				.containsExactly(context.getBean(EmbeddedKafkaServer.class).bootstrapServers());
			postgresPid[0] = context.getBean(EmbeddedPostgresServer.class).serverPid();
		});
		await().atMost(Duration.ofSeconds(30))
			.until(() -> ProcessHandle.of(postgresPid[0]).filter(ProcessHandle::isAlive).isEmpty());
	}

	@Test
	void applicationUrlsReplaceTheDevServices() {
		this.contextRunner
			.withPropertyValues("outbox.dev-services.enabled=true", "spring.datasource.url=jdbc:postgresql://db:5432/app",
					"spring.kafka.bootstrap-servers=kafka:9092")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(EmbeddedPostgresServer.class)
					.doesNotHaveBean(EmbeddedKafkaServer.class);
				assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl())
					.isEqualTo("jdbc:postgresql://db:5432/app");
			});
	}

	@Test
	void otherConnectionDetailsReplaceTheDevServices() {
		this.contextRunner.withPropertyValues("outbox.dev-services.enabled=true")
			.withBean(JdbcConnectionDetails.class, () -> new JdbcConnectionDetails() {

				@Override
				public String getUsername() {
					return "app";
				}

				@Override
				public String getPassword() {
					return "secret";
				}

				@Override
				public String getJdbcUrl() {
					return "jdbc:postgresql://container:5432/app";
				}

			})
			.withBean(KafkaConnectionDetails.class, () -> () -> List.of("container:9092"))
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedPostgresServer.class)
				.doesNotHaveBean(EmbeddedKafkaServer.class)
				.hasSingleBean(JdbcConnectionDetails.class)
				.hasSingleBean(KafkaConnectionDetails.class));
	}

}
