package io.github.outbox;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OutboxMessageTests {

	@Test
	void withHeaderAddsAHeaderAndKeepsTheRest() {
		OutboxMessage message = OutboxMessage.of("order", "1", "OrderPlaced", "payload")
			.withHeader("tenant", "acme")
			.withHeader("region", "eu");
		assertThat(message.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("tenant", "acme", "region", "eu"));
		assertThat(message.aggregateType()).isEqualTo("order");
	}

	@Test
	void headersAreCopied() {
		Map<String, String> headers = new HashMap<>(Map.of("a", "1"));
		OutboxMessage message = new OutboxMessage("order", "1", "OrderPlaced", "payload", headers);
		headers.put("b", "2");
		assertThat(message.headers()).containsOnlyKeys("a");
	}

	@Test
	void missingPartsAreRefusedNamingThePayloadClass() {
		assertThatExceptionOfType(OutboxEventException.class)
			.isThrownBy(() -> OutboxMessage.of("order", null, "OrderPlaced", 42))
			.withMessage("Cannot publish outbox event java.lang.Integer: aggregate id is null. Every outbox event needs "
					+ "an aggregate type, an aggregate id and an event type.");
		assertThatExceptionOfType(OutboxEventException.class)
			.isThrownBy(() -> OutboxMessage.of(" ", "1", "OrderPlaced", 42))
			.withMessageContaining("aggregate type is blank");
		assertThatExceptionOfType(OutboxEventException.class).isThrownBy(() -> OutboxMessage.of("order", "1", "", 42))
			.withMessageContaining("event type is blank");
		assertThatExceptionOfType(OutboxEventException.class)
			.isThrownBy(() -> OutboxMessage.of("order", "1", "OrderPlaced", null))
			.withMessageContaining("payload is null");
	}

	@Test
	void headersTheRelaySetsAreReserved() {
		for (String reserved : new String[] { "eventId", "eventType", "id", "outbox-headers" }) {
			assertThatExceptionOfType(OutboxEventException.class)
				.isThrownBy(() -> OutboxMessage.of("order", "1", "OrderPlaced", "payload").withHeader(reserved, "x"))
				.withMessageContaining("header '" + reserved + "' is reserved");
		}
	}

	@Test
	void headersNeedNamesAndValues() {
		Map<String, String> headers = new HashMap<>();
		headers.put("tenant", null);
		assertThatExceptionOfType(OutboxEventException.class)
			.isThrownBy(() -> new OutboxMessage("order", "1", "OrderPlaced", "payload", headers))
			.withMessageContaining("header 'tenant' has no name or a null value");
	}

}
