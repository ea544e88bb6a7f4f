package io.github.outbox.publish;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxEventException;
import io.github.outbox.OutboxMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OutboxEventDescriptorTests {

	private static final UUID ID = UUID.fromString("0190f1d2-0000-7000-8000-000000000001");

	@Test
	void recordComponentAnnotatedAsAggregateIdAndDefaultType() {
		assertThat(message(new WithComponent(ID, "x"))).satisfies((message) -> {
			assertThat(message.aggregateType()).isEqualTo("order");
			assertThat(message.aggregateId()).isEqualTo(ID.toString());
			assertThat(message.type()).isEqualTo("WithComponent");
			assertThat(message.headers()).isEmpty();
		});
	}

	@Test
	void explicitTypeAndPropertyNameExpression() {
		assertThat(message(new WithExpression(42L))).satisfies((message) -> {
			assertThat(message.aggregateId()).isEqualTo("42");
			assertThat(message.type()).isEqualTo("order.created.v2");
		});
	}

	@Test
	void spelPathIntoANestedValue() {
		assertThat(message(new WithPath(new Customer("C-9"), 3)).aggregateId()).isEqualTo("C-9");
	}

	@Test
	void spelExpressionCombiningProperties() {
		assertThat(message(new WithComputedId("eu", 7)).aggregateId()).isEqualTo("eu-7");
	}

	@Test
	void annotatedFieldOfAClass() {
		assertThat(message(new ClassWithField("F-1")).aggregateId()).isEqualTo("F-1");
	}

	@Test
	void annotatedMethodOfAClass() {
		assertThat(message(new ClassWithMethod()).aggregateId()).isEqualTo("M-1");
	}

	@Test
	void annotationsOnASealedInterfaceCoverItsRecords() {
		assertThat(message(new Shipped(ID))).satisfies((message) -> {
			assertThat(message.aggregateType()).isEqualTo("shipment");
			assertThat(message.aggregateId()).isEqualTo(ID.toString());
			assertThat(message.type()).isEqualTo("Shipped");
		});
	}

	@Test
	void composedAnnotation() {
		assertThat(message(new Composed(ID))).satisfies((message) -> {
			assertThat(message.aggregateType()).isEqualTo("payment");
			assertThat(message.aggregateId()).isEqualTo(ID.toString());
		});
	}

	@Test
	void unannotatedClassIsRefused() {
		assertRefused(new Object(), "its class is not annotated with @OutboxEvent",
				"publish an OutboxMessage that names");
	}

	@Test
	void classWithoutAggregateIdIsRefused() {
		assertRefused(new NoId("x"), "it names no aggregate id", "@AggregateId");
	}

	@Test
	void classWithTwoAggregateIdsIsRefused() {
		assertRefused(new TwoIds("a", "b"), "more than one member is annotated with @AggregateId ([first, second])",
				"on one member only");
	}

	@Test
	void aggregateIdMethodWithParametersIsRefused() {
		assertRefused(new MethodWithParameter(), "its @AggregateId method id takes parameters", "without parameters");
	}

	@Test
	void invalidExpressionIsRefused() {
		assertRefused(new InvalidExpression("x"), "its aggregateId expression 'id +' is not valid SpEL",
				"property name");
	}

	@Test
	void expressionNamingAMissingPropertyIsRefused() {
		assertRefused(new MissingProperty("x"), "its aggregateId expression 'orderNumber' failed", "fix the expression");
	}

	@Test
	void blankAggregateTypeIsRefused() {
		assertRefused(new BlankAggregateType("x"), "@OutboxEvent has a blank aggregateType", "aggregateType = \"order\"");
	}

	@Test
	void descriptorIsWorkedOutOncePerClass() {
		assertThat(OutboxEventDescriptor.of(WithComponent.class)).isSameAs(OutboxEventDescriptor.of(WithComponent.class));
	}

	private static OutboxMessage message(Object event) {
		return OutboxEventDescriptor.of(event.getClass()).toMessage(event);
	}

	private static void assertRefused(Object event, String problem, String advice) {
		assertThatExceptionOfType(OutboxEventException.class).isThrownBy(() -> message(event))
			.withMessageStartingWith("Cannot publish outbox event " + event.getClass().getName() + ": " + problem)
			.withMessageContaining(advice);
	}

	@OutboxEvent(aggregateType = "order")
	record WithComponent(@AggregateId UUID orderId, String note) {
	}

	@OutboxEvent(aggregateType = "order", type = "order.created.v2", aggregateId = "orderNumber")
	record WithExpression(long orderNumber) {
	}

	record Customer(String id) {
	}

	@OutboxEvent(aggregateType = "customer", aggregateId = "customer.id")
	record WithPath(Customer customer, int points) {
	}

	@OutboxEvent(aggregateType = "counter", aggregateId = "region + '-' + number")
	record WithComputedId(String region, int number) {
	}

	@OutboxEvent(aggregateType = "file")
	static class ClassWithField {

		@AggregateId
		private final String fileId;

		ClassWithField(String fileId) {
			this.fileId = fileId;
		}

	}

	@OutboxEvent(aggregateType = "file")
	static class ClassWithMethod {

		@AggregateId
		String key() {
			return "M-1";
		}

	}

	@OutboxEvent(aggregateType = "shipment")
	sealed interface ShipmentEvent permits Shipped {

		@AggregateId
		UUID shipmentId();

	}

	record Shipped(UUID shipmentId) implements ShipmentEvent {
	}

	@Retention(RetentionPolicy.RUNTIME)
	@OutboxEvent(aggregateType = "payment")
	@interface PaymentEvent {

	}

	@PaymentEvent
	record Composed(@AggregateId UUID paymentId) {
	}

	@OutboxEvent(aggregateType = "order")
	record NoId(String value) {
	}

	@OutboxEvent(aggregateType = "order")
	record TwoIds(@AggregateId String first, @AggregateId String second) {
	}

	@OutboxEvent(aggregateType = "order")
	static class MethodWithParameter {

		@AggregateId
		String id(int index) {
			return "x";
		}

	}

	@OutboxEvent(aggregateType = "order", aggregateId = "id +")
	record InvalidExpression(String id) {
	}

	@OutboxEvent(aggregateType = "order", aggregateId = "orderNumber")
	record MissingProperty(String id) {
	}

	@OutboxEvent(aggregateType = " ", aggregateId = "id")
	record BlankAggregateType(String id) {
	}

}
