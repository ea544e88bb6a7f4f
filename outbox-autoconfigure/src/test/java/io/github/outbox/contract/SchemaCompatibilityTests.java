package io.github.outbox.contract;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules table of docs/schema-evolution.md, one row per change of an event class: whether
 * consumers of the old version read the new events (forward) and whether the new class reads
 * the old events (backward), checked under every mode.
 */
class SchemaCompatibilityTests {

	private static final EventSchemaGenerator generator = new EventSchemaGenerator(JsonMapper.builder().build());

	static Stream<Arguments> rules() {
		return Stream.of(
				rule("add a property", Base.class, AddedProperty.class, true, false),
				rule("add an optional property (@JsonInclude(NON_NULL), nullable)", Base.class, AddedOptional.class, true,
						true),
				rule("remove a property", Base.class, RemovedProperty.class, false, true),
				rule("rename a property", Base.class, RenamedProperty.class, false, false),
				rule("rename a component, keeping its name with @JsonProperty", Base.class, RenamedKeepingName.class,
						true, true),
				rule("reorder the components", Base.class, Reordered.class, true, true),
				rule("change a type (number to string)", Base.class, ChangedType.class, false, false),
				rule("widen an integer (int to long)", Quantity.class, WiderQuantity.class, true, true),
				rule("widen to a decimal (int to double)", Quantity.class, DecimalQuantity.class, false, true),
				rule("narrow a decimal to an integer (double to int)", DecimalQuantity.class, Quantity.class, true,
						false),
				rule("make a property nullable", Base.class, NullableTotal.class, false, true),
				rule("make a nullable property non-null", NullableTotal.class, Base.class, true, false),
				rule("make a nullable property optional (@JsonInclude(NON_NULL))", NullableTotal.class, OptionalTotal.class, false,
						true),
				rule("add an enum constant", WithStatus.class, WithMoreStatuses.class, false, true),
				rule("remove an enum constant", WithMoreStatuses.class, WithStatus.class, true, false),
				rule("remove a nested property", WithCustomer.class, WithSmallerCustomer.class, false, true),
				rule("change the type of list items", WithLines.class, WithOtherLines.class, false, false),
				rule("add a permitted class to a sealed property (one with properties of its own)",
						WithPayment.class, WithMorePayments.class, false,
						true),
				rule("change a UUID to a string", WithId.class, WithTextId.class, false, true),
				rule("change a map's value type", WithAttributes.class, WithNumericAttributes.class, false, false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rules")
	void eachModeAcceptsExactlyTheChangesItsDirectionsAllow(String change, Class<?> before, Class<?> after,
			boolean forward, boolean backward) {
		assertThat(check(SchemaCompatibility.FORWARD, before, after)).as("forward").hasSize(forward ? 0 : 1);
		assertThat(check(SchemaCompatibility.BACKWARD, before, after)).as("backward").hasSize(backward ? 0 : 1);
		assertThat(check(SchemaCompatibility.FULL, before, after).isEmpty()).as("full").isEqualTo(forward && backward);
		assertThat(check(SchemaCompatibility.NONE, before, after)).as("none").isEmpty();
	}

	@Test
	void aRenameIsReportedAsTheOldNameNoLongerWritten() {
		assertThat(check(SchemaCompatibility.FORWARD, Base.class, RenamedProperty.class)).singleElement()
			.satisfies((incompatibility) -> {
				assertThat(incompatibility.property()).isEqualTo("total");
				assertThat(incompatibility.version()).isEqualTo(1);
				assertThat(incompatibility.before()).isEqualTo("number");
				assertThat(incompatibility.now()).isEqualTo("none");
				assertThat(incompatibility).hasToString("total: version 1 has number, the class has none: "
						+ "the class no longer writes it, and consumers of version 1 read it in every event");
			});
		assertThat(check(SchemaCompatibility.BACKWARD, Base.class, RenamedProperty.class)).singleElement()
			.satisfies((incompatibility) -> {
				assertThat(incompatibility.property()).isEqualTo("amount");
				assertThat(incompatibility.consequence())
					.isEqualTo("events of version 1 do not have it, and the class requires it");
			});
	}

	@Test
	void aNestedChangeNamesItsPath() {
		assertThat(check(SchemaCompatibility.FORWARD, WithCustomer.class, WithSmallerCustomer.class)).singleElement()
			.satisfies((incompatibility) -> assertThat(incompatibility.property()).isEqualTo("customer.email"));
		assertThat(check(SchemaCompatibility.FORWARD, WithLines.class, WithOtherLines.class)).singleElement()
			.satisfies((incompatibility) -> {
				assertThat(incompatibility.property()).isEqualTo("lines[].quantity");
				assertThat(incompatibility.before()).isEqualTo("integer");
				assertThat(incompatibility.now()).isEqualTo("string");
			});
		assertThat(check(SchemaCompatibility.FORWARD, WithStatus.class, WithMoreStatuses.class)).singleElement()
			.satisfies((incompatibility) -> {
				assertThat(incompatibility.property()).isEqualTo("status");
				assertThat(incompatibility.before()).isEqualTo("one of \"PAID\", \"PLACED\"");
				assertThat(incompatibility.now()).isEqualTo("one of \"CANCELLED\", \"PAID\", \"PLACED\"");
			});
	}

	@Test
	void transitiveModesCompareWithEveryVersionAndOthersWithTheLatest() {
		// Version 2 dropped the note under NONE; the class now has the same properties as version 2.
		NavigableMap<Integer, JsonNode> versions = new TreeMap<>(
				Map.of(1, schema(WithNote.class), 2, schema(Base.class)));
		JsonNode current = schema(Reordered.class);
		assertThat(SchemaCompatibility.FORWARD.check(current, versions)).isEmpty();
		assertThat(SchemaCompatibility.FORWARD_TRANSITIVE.check(current, versions)).singleElement()
			.satisfies((incompatibility) -> {
				assertThat(incompatibility.version()).isEqualTo(1);
				assertThat(incompatibility.property()).isEqualTo("note");
			});
		assertThat(SchemaCompatibility.FULL_TRANSITIVE.check(current, versions)).hasSize(1);
		assertThat(SchemaCompatibility.BACKWARD_TRANSITIVE.check(current, versions)).isEmpty();
	}

	@Test
	void aFirstVersionIsCompatibleWithNothingToCompare() {
		assertThat(SchemaCompatibility.FULL_TRANSITIVE.check(schema(Base.class), new TreeMap<>())).isEmpty();
	}

	private static List<Incompatibility> check(SchemaCompatibility mode, Class<?> before, Class<?> after) {
		return mode.check(schema(after), new TreeMap<>(Map.of(1, schema(before))));
	}

	private static JsonNode schema(Class<?> eventClass) {
		return generator.generate(eventClass).schema();
	}

	private static Arguments rule(String change, Class<?> before, Class<?> after, boolean forward, boolean backward) {
		return Arguments.of(change, before, after, forward, backward);
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record Base(UUID orderId, BigDecimal total) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record WithNote(UUID orderId, BigDecimal total, String note) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record AddedProperty(UUID orderId, BigDecimal total, @Nullable String coupon) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record AddedOptional(UUID orderId, BigDecimal total,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String coupon) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record RemovedProperty(UUID orderId) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record RenamedProperty(UUID orderId, BigDecimal amount) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record RenamedKeepingName(UUID orderId, @JsonProperty("total") BigDecimal amount) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record Reordered(BigDecimal total, UUID orderId) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record ChangedType(UUID orderId, String total) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record NullableTotal(UUID orderId, @Nullable BigDecimal total) {
	}

	@OutboxEvent(aggregateType = "order", type = "Placed")
	record OptionalTotal(UUID orderId, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable BigDecimal total) {
	}

	@OutboxEvent(aggregateType = "order", type = "Counted")
	record Quantity(int quantity) {
	}

	@OutboxEvent(aggregateType = "order", type = "Counted")
	record WiderQuantity(long quantity) {
	}

	@OutboxEvent(aggregateType = "order", type = "Counted")
	record DecimalQuantity(double quantity) {
	}

	enum Status {

		PLACED, PAID

	}

	enum MoreStatuses {

		PLACED, PAID, CANCELLED

	}

	@OutboxEvent(aggregateType = "order", type = "Changed")
	record WithStatus(Status status) {
	}

	@OutboxEvent(aggregateType = "order", type = "Changed")
	record WithMoreStatuses(MoreStatuses status) {
	}

	record Customer(String name, String email) {
	}

	record SmallerCustomer(String name) {
	}

	@OutboxEvent(aggregateType = "order", type = "Ordered")
	record WithCustomer(Customer customer) {
	}

	@OutboxEvent(aggregateType = "order", type = "Ordered")
	record WithSmallerCustomer(SmallerCustomer customer) {
	}

	record Line(String sku, int quantity) {
	}

	record OtherLine(String sku, String quantity) {
	}

	@OutboxEvent(aggregateType = "order", type = "Lined")
	record WithLines(List<Line> lines) {
	}

	@OutboxEvent(aggregateType = "order", type = "Lined")
	record WithOtherLines(List<OtherLine> lines) {
	}

	sealed interface Payment {

		record Transfer(String iban) implements Payment {
		}

		record Card(String cardNumber) implements Payment {
		}

	}

	sealed interface MorePayments {

		record Transfer(String iban) implements MorePayments {
		}

		record Card(String cardNumber) implements MorePayments {
		}

		record Voucher(String code) implements MorePayments {
		}

	}

	@OutboxEvent(aggregateType = "order", type = "Paid")
	record WithPayment(Payment payment) {
	}

	@OutboxEvent(aggregateType = "order", type = "Paid")
	record WithMorePayments(MorePayments payment) {
	}

	@OutboxEvent(aggregateType = "order", type = "Identified")
	record WithId(UUID id) {
	}

	@OutboxEvent(aggregateType = "order", type = "Identified")
	record WithTextId(String id) {
	}

	@OutboxEvent(aggregateType = "order", type = "Attributed")
	record WithAttributes(Map<String, String> attributes) {
	}

	@OutboxEvent(aggregateType = "order", type = "Attributed")
	record WithNumericAttributes(Map<String, Integer> attributes) {
	}

}
