package io.github.outbox.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with profile {@code external}, pointed through its environment variables at a
 * PostgreSQL and a Kafka it did not start: the dev services stay off and the loop still
 * closes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@ActiveProfiles("external")
class ExternalServicesIntegrationTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static final EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.shared()
		.createDatabase("orders");

	@DynamicPropertySource
	static void environment(DynamicPropertyRegistry registry) {
		registry.add("DATABASE_URL", database::jdbcUrl);
		registry.add("DATABASE_USERNAME", database::username);
		registry.add("DATABASE_PASSWORD", () -> "");
		registry.add("KAFKA_BOOTSTRAP_SERVERS", () -> EmbeddedKafkaServer.shared().bootstrapServers());
	}

	@Autowired
	private ApplicationContext context;

	@Autowired
	private RestTestClient http;

	@Test
	void usesTheConfiguredServicesAndStartsNoneOfItsOwn() {
		assertThat(this.context.getBeanNamesForType(EmbeddedPostgresServer.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(EmbeddedKafkaServer.class)).isEmpty();
		assertThat(this.context.getBean(JdbcConnectionDetails.class).getJdbcUrl()).isEqualTo(database.jdbcUrl());
	}

	@Test
	void placedOrderAppearsInTheProjection() {
		Map<String, Object> order = this.http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("customer", "frank", "total", new BigDecimal("3.00")))
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(JSON)
			.getResponseBody();
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> this.http.get()
				.uri("/order-views/{id}", order.get("id"))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.customer")
				.isEqualTo("frank"));
	}

}
