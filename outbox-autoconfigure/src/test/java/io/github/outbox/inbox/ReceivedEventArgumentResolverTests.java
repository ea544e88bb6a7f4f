package io.github.outbox.inbox;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxEventUpcaster;
import io.github.outbox.ReceivedEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.MethodParameter;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ReceivedEventArgumentResolver}.
 */
class ReceivedEventArgumentResolverTests {

	private final ReceivedEventArgumentResolver resolver = new ReceivedEventArgumentResolver(new JsonMapper());

	@Test
	void readsTheRecordIntoAReceivedEvent() {
		ReceivedEvent<?> event = resolve("onPlaced", record("OrderPlaced", "{\"orderId\":\"o-1\",\"customer\":\"alice\"}"));
		assertThat(event.id()).isEqualTo("e-1");
		assertThat(event.type()).isEqualTo("OrderPlaced");
		assertThat(event.aggregateId()).isEqualTo("o-1");
		assertThat(event.payload()).isEqualTo(new OrderPlaced("o-1", "alice"));
		assertThat(event.headers()).containsExactly(Map.entry("tenant", "acme"));
		assertThat(event.topic()).isEqualTo("outbox.event.order");
		assertThat(event.offset()).isEqualTo(42);
	}

	@Test
	void sealedPayloadTypeIsReadAsTheSubclassTheEventTypeNames() {
		assertThat(resolve("onOrder", record("OrderPlaced", "{\"orderId\":\"o-1\",\"customer\":\"alice\"}")).payload())
			.isEqualTo(new OrderPlaced("o-1", "alice"));
		assertThat(resolve("onOrder", record("OrderCancelled", "{\"orderId\":\"o-1\",\"reason\":\"late\"}")).payload())
			.isEqualTo(new OrderCancelled("o-1", "late"));
	}

	@Test
	void sealedPayloadTypeHonoursTheTypeOfOutboxEventAndNestedSealedTypes() {
		assertThat(resolve("onOrder", record("order-shipped", "{\"orderId\":\"o-1\",\"carrier\":\"dhl\"}")).payload())
			.isEqualTo(new Shipped("o-1", "dhl"));
	}

	@Test
	void sealedPayloadTypeInABatchIsReadPerRecord() {
		Message<List<String>> batch = MessageBuilder
			.withPayload(List.of("{\"orderId\":\"o-1\",\"customer\":\"alice\"}", "{\"orderId\":\"o-1\",\"reason\":\"late\"}"))
			.setHeader(KafkaHeaders.BATCH_CONVERTED_HEADERS,
					List.of(Map.of("eventId", bytes("e-1"), "eventType", bytes("OrderPlaced")),
							Map.of("eventId", bytes("e-2"), "eventType", bytes("OrderCancelled"))))
			.build();
		List<?> events = (List<?>) this.resolver.resolveArgument(parameter("onOrders"), batch);
		assertThat(events.stream().<Object>map((event) -> ((ReceivedEvent<?>) event).payload()).toList())
			.containsExactly(new OrderPlaced("o-1", "alice"), new OrderCancelled("o-1", "late"));
	}

	@Test
	void eventTypeThatIsNoneOfTheSealedTypesIsAnInvalidRecordNamingTheKnownTypes() {
		assertThatExceptionOfType(InvalidOutboxRecordException.class)
			.isThrownBy(() -> resolve("onOrder", record("OrderRefunded", "{\"orderId\":\"o-1\"}")))
			.withMessageContaining("Event e-1 at topic outbox.event.order, partition 0, offset 42 has event type "
					+ "OrderRefunded, which is none of the event types of " + OrderEvent.class.getName()
					+ " [OrderPlaced, OrderCancelled, order-shipped]")
			.withMessageContaining("JsonNode");
	}

	@Test
	void sealedPayloadTypeWithoutAnEventTypeHeaderIsAnInvalidRecord() {
		Message<String> record = MessageBuilder.withPayload("{\"orderId\":\"o-1\"}")
			.setHeader("eventId", bytes("e-1"))
			.build();
		assertThatExceptionOfType(InvalidOutboxRecordException.class).isThrownBy(() -> resolve("onOrder", record))
			.withMessageContaining("has event type null");
	}

	@Test
	void anOlderSchemaVersionGoesThroughEachUpcasterFromItsVersionOn() {
		ReceivedEventArgumentResolver upcasting = new ReceivedEventArgumentResolver(new JsonMapper(),
				new Upcasters(List.of(
						OutboxEventUpcaster.of("OrderPlaced", 2,
								(payload) -> ((ObjectNode) payload).put("customer",
										payload.path("customer").asString() + " (v2 to v3)")),
						OutboxEventUpcaster.of("OrderPlaced", 1, (payload) -> {
							ObjectNode renamed = ((ObjectNode) payload).put("customer", payload.path("buyer").asString());
							renamed.remove("buyer");
							return renamed;
						}))));
		ReceivedEvent<?> first = (ReceivedEvent<?>) upcasting.resolveArgument(parameter("onPlaced"),
				record("OrderPlaced", "{\"orderId\":\"o-1\",\"buyer\":\"alice\"}", "1"));
		assertThat(first.payload()).isEqualTo(new OrderPlaced("o-1", "alice (v2 to v3)"));
		assertThat(first.schemaVersion()).isEqualTo(1);
		ReceivedEvent<?> second = (ReceivedEvent<?>) upcasting.resolveArgument(parameter("onPlaced"),
				record("OrderPlaced", "{\"orderId\":\"o-1\",\"customer\":\"alice\"}", "2"));
		assertThat(second.payload()).isEqualTo(new OrderPlaced("o-1", "alice (v2 to v3)"));
		ReceivedEvent<?> current = (ReceivedEvent<?>) upcasting.resolveArgument(parameter("onPlaced"),
				record("OrderPlaced", "{\"orderId\":\"o-1\",\"customer\":\"alice\"}", "3"));
		assertThat(current.payload()).isEqualTo(new OrderPlaced("o-1", "alice"));
		assertThat(current.schemaVersion()).isEqualTo(3);
		ReceivedEvent<?> unversioned = (ReceivedEvent<?>) upcasting.resolveArgument(parameter("onPlaced"),
				record("OrderPlaced", "{\"orderId\":\"o-1\",\"customer\":\"alice\"}"));
		assertThat(unversioned.payload()).isEqualTo(new OrderPlaced("o-1", "alice"));
		assertThat(unversioned.schemaVersion()).isNull();
	}

	@Test
	void upcastersOfAnotherEventTypeLeaveThePayloadAlone() {
		ReceivedEventArgumentResolver upcasting = new ReceivedEventArgumentResolver(new JsonMapper(),
				new Upcasters(List.of(OutboxEventUpcaster.of("OrderCancelled", 1,
						(payload) -> ((ObjectNode) payload).put("reason", "upcast")))));
		assertThat(((ReceivedEvent<?>) upcasting.resolveArgument(parameter("onOrder"),
				record("OrderPlaced", "{\"orderId\":\"o-1\",\"customer\":\"alice\"}", "1")))
			.payload()).isEqualTo(new OrderPlaced("o-1", "alice"));
		assertThat(((ReceivedEvent<?>) upcasting.resolveArgument(parameter("onOrder"),
				record("OrderCancelled", "{\"orderId\":\"o-1\",\"reason\":\"late\"}", "1")))
			.payload()).isEqualTo(new OrderCancelled("o-1", "upcast"));
	}

	@Test
	void twoUpcastersOfOneStepAreRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new Upcasters(List.of(OutboxEventUpcaster.of("OrderPlaced", 1, (payload) -> payload),
					OutboxEventUpcaster.of("OrderPlaced", 1, (payload) -> payload))))
			.withMessageContaining("Two upcasters read version 1 of event type 'OrderPlaced'");
	}

	private static Message<String> record(String eventType, String json, String schemaVersion) {
		return MessageBuilder.fromMessage(record(eventType, json))
			.setHeader("eventSchemaVersion", bytes(schemaVersion))
			.build();
	}

	private ReceivedEvent<?> resolve(String method, Message<?> message) {
		return (ReceivedEvent<?>) this.resolver.resolveArgument(parameter(method), message);
	}

	private static Message<String> record(String eventType, String json) {
		return MessageBuilder.withPayload(json)
			.setHeader("eventId", bytes("e-1"))
			.setHeader("eventType", bytes(eventType))
			.setHeader("tenant", bytes("acme"))
			.setHeader(KafkaHeaders.RECEIVED_KEY, "o-1")
			.setHeader(KafkaHeaders.RECEIVED_TOPIC, "outbox.event.order")
			.setHeader(KafkaHeaders.RECEIVED_PARTITION, 0)
			.setHeader(KafkaHeaders.OFFSET, 42L)
			.build();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static MethodParameter parameter(String name) {
		Method method = ReflectionUtils.findMethod(Listeners.class, name, (Class<?>[]) null);
		assertThat(method).isNotNull();
		MethodParameter parameter = new MethodParameter(method, 0);
		assertThat(new ReceivedEventArgumentResolver(new JsonMapper()).supportsParameter(parameter)).isTrue();
		return parameter;
	}

	@OutboxEvent(aggregateType = "order")
	sealed interface OrderEvent permits OrderPlaced, OrderCancelled, ShippingEvent {

	}

	record OrderPlaced(String orderId, String customer) implements OrderEvent {
	}

	record OrderCancelled(String orderId, String reason) implements OrderEvent {
	}

	sealed interface ShippingEvent extends OrderEvent permits Shipped {

	}

	@OutboxEvent(aggregateType = "order", type = "order-shipped")
	record Shipped(String orderId, String carrier) implements ShippingEvent {
	}

	interface Listeners {

		void onPlaced(ReceivedEvent<OrderPlaced> event);

		void onOrder(ReceivedEvent<OrderEvent> event);

		void onOrders(List<ReceivedEvent<OrderEvent>> events);

	}

}
