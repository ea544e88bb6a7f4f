package io.github.outbox.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TryItOut}.
 */
class TryItOutTests {

	@Test
	void instructionsNameWhereTheServiceListensAndHowToTryIt() {
		String instructions = TryItOut.instructions("http://localhost:8080", "jdbc:postgresql://localhost:5432/app_1",
				"localhost:9092");
		assertThat(instructions).contains("Order service listening on http://localhost:8080")
			.contains("PostgreSQL: jdbc:postgresql://localhost:5432/app_1")
			.contains("Kafka:      localhost:9092")
			.contains("curl -s -X POST http://localhost:8080/orders -H 'Content-Type: application/json' "
					+ "-d '{\"customer\":\"alice\",\"total\":42.50}'")
			.contains("curl -s http://localhost:8080/order-views")
			.contains("curl -s -X POST http://localhost:8080/orders/<id>/cancel")
			.contains("http://localhost:8080/actuator/outboxconsole");
	}

	@Test
	void instructionsLeaveOutConnectionParameters() {
		assertThat(TryItOut.instructions("http://localhost:8080",
				"jdbc:postgresql://db:5432/orders?user=orders&password=secret", "kafka:9092"))
			.contains("PostgreSQL: jdbc:postgresql://db:5432/orders")
			.doesNotContain("secret");
	}

}
