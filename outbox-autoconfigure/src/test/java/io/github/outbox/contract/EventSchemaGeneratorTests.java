package io.github.outbox.contract;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The schema derived from an event class is the JSON its mapper writes: names, types, which
 * properties are always written and which may be null.
 */
class EventSchemaGeneratorTests {

	private final EventSchemaGenerator generator = new EventSchemaGenerator(JsonMapper.builder().build());

	@Test
	void recordComponentsBecomePropertiesWithTheirJsonTypes() {
		JsonNode schema = schema(Placed.class);
		assertThat(schema.path("type").asString()).isEqualTo("object");
		assertThat(schema.path("properties").propertyNames()).containsExactlyInAnyOrder("orderId", "customer",
				"total", "lines", "placedAt", "express", "attributes", "status");
		assertThat(property(schema, "orderId")).isEqualTo("{\"format\":\"uuid\",\"type\":\"string\"}");
		assertThat(property(schema, "total")).isEqualTo("{\"type\":\"number\"}");
		assertThat(property(schema, "lines")).contains("\"type\":\"array\"").contains("\"sku\"");
		assertThat(property(schema, "placedAt")).contains("\"format\":\"date-time\"");
		assertThat(property(schema, "express")).isEqualTo("{\"type\":\"boolean\"}");
		assertThat(property(schema, "attributes")).contains("\"additionalProperties\":{\"type\":\"string\"}");
		assertThat(property(schema, "status")).contains("\"enum\":[\"PAID\",\"PLACED\"]");
		assertThat(names(schema.path("required"))).containsExactlyInAnyOrder("orderId", "customer", "total", "lines",
				"placedAt", "express", "attributes", "status");
	}

	@Test
	void nullableComponentsAllowNullAndOthersDoNot() {
		JsonNode schema = schema(Cancelled.class);
		assertThat(property(schema, "reason")).isEqualTo("{\"type\":[\"null\",\"string\"]}");
		assertThat(property(schema, "orderId")).isEqualTo("{\"format\":\"uuid\",\"type\":\"string\"}");
		assertThat(property(schema, "attempts")).isEqualTo("{\"type\":\"integer\"}");
		assertThat(property(schema(Unmarked.class), "note")).isEqualTo("{\"type\":[\"null\",\"string\"]}");
	}

	@Test
	void listItemsMayBeNullOnlyWhenAnnotatedSo() {
		JsonNode schema = schema(Noted.class);
		assertThat(property(schema, "notes")).isEqualTo("{\"items\":{\"type\":[\"null\",\"string\"]},\"type\":\"array\"}");
		assertThat(property(schema, "tags")).isEqualTo("{\"items\":{\"type\":\"string\"},\"type\":\"array\"}");
	}

	@Test
	void propertiesJacksonMayLeaveOutAreNotRequired() {
		JsonNode schema = schema(WithOptionalParts.class);
		assertThat(names(schema.path("required"))).containsExactly("orderId");
		assertThat(schema.path("properties").propertyNames()).containsExactlyInAnyOrder("orderId", "coupon", "gift");
	}

	@Test
	void jacksonAnnotationsAndTheMappersNamingStrategyNameTheProperties() {
		assertThat(schema(Renamed.class).path("properties").propertyNames()).containsExactlyInAnyOrder("order_id",
				"total");
		EventSchemaGenerator snakeCase = new EventSchemaGenerator(
				JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build());
		JsonNode schema = snakeCase.generate(Placed.class).schema();
		assertThat(schema.path("properties").propertyNames()).contains("order_id", "placed_at");
		assertThat(names(schema.path("required"))).contains("order_id", "placed_at");
	}

	@Test
	void aSealedPropertyIsOneOfItsPermittedClasses() {
		JsonNode payment = schema(Paid.class).path("properties").path("payment");
		assertThat(payment.path("anyOf").size()).isEqualTo(2);
		assertThat(payment.toString()).contains("\"iban\"").contains("\"cardNumber\"");
	}

	@Test
	void theAnnotationNamesTheAggregateAndEventType() {
		EventSchema schema = this.generator.generate(Renamed.class);
		assertThat(schema.aggregateType()).isEqualTo("order");
		assertThat(schema.eventType()).isEqualTo("OrderRenamed");
		assertThat(schema.eventClass()).isEqualTo(Renamed.class.getName());
		assertThat(this.generator.generate(Placed.class).eventType()).isEqualTo("Placed");
	}

	@Test
	void theFingerprintIgnoresTheOrderOfComponents() {
		EventSchema schema = this.generator.generate(Cancelled.class);
		EventSchema reordered = this.generator.generate(CancelledReordered.class);
		assertThat(reordered.fingerprint()).isEqualTo(schema.fingerprint()).hasSize(64);
		assertThat(this.generator.generate(Placed.class).fingerprint()).isNotEqualTo(schema.fingerprint());
		assertThat(EventSchema.read("order", "Cancelled", "", schema.text()).schema()).isEqualTo(schema.schema());
	}

	@Test
	void aClassThatRefersToItselfIsRefusedWithTheReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.generate(Node.class))
			.withMessageContaining(Node.class.getName())
			.withMessageContaining("refers to itself");
	}

	@Test
	void aClassWithoutTheAnnotationIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.generate(String.class))
			.withMessageContaining("not annotated with @OutboxEvent");
	}

	private JsonNode schema(Class<?> eventClass) {
		return this.generator.generate(eventClass).schema();
	}

	private static String property(JsonNode schema, String name) {
		return schema.path("properties").path(name).toString();
	}

	private static List<String> names(JsonNode array) {
		return array.values().stream().map(JsonNode::asString).toList();
	}

	enum Status {

		PLACED, PAID

	}

	record Line(String sku, int quantity) {
	}

	@OutboxEvent(aggregateType = "order")
	record Placed(UUID orderId, String customer, BigDecimal total, List<Line> lines, Instant placedAt, boolean express,
			Map<String, String> attributes, Status status) {
	}

	@OutboxEvent(aggregateType = "order")
	record Cancelled(UUID orderId, @Nullable String reason, int attempts) {
	}

	@OutboxEvent(aggregateType = "order", type = "Cancelled")
	record CancelledReordered(int attempts, @Nullable String reason, UUID orderId) {
	}

	@NullUnmarked
	@OutboxEvent(aggregateType = "order")
	record Unmarked(String note) {
	}

	@OutboxEvent(aggregateType = "order")
	record Noted(List<@Nullable String> notes, List<String> tags) {
	}

	@OutboxEvent(aggregateType = "order")
	record WithOptionalParts(UUID orderId, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String coupon,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> gift, @JsonIgnore @Nullable String secret) {
	}

	@OutboxEvent(aggregateType = "order", type = "OrderRenamed")
	record Renamed(@JsonProperty("order_id") UUID orderId, BigDecimal total) {
	}

	sealed interface Payment {

		record Transfer(String iban) implements Payment {
		}

		record Card(String cardNumber) implements Payment {
		}

	}

	@OutboxEvent(aggregateType = "order")
	record Paid(UUID orderId, Payment payment) {
	}

	@OutboxEvent(aggregateType = "tree")
	record Node(String name, List<Node> children) {
	}

}
