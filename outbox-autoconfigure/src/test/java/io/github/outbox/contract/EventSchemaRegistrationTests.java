package io.github.outbox.contract;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the start-up registration registers: each event class once, not a class it cannot
 * derive a schema of, and not two different classes under one event type.
 */
@ExtendWith(OutputCaptureExtension.class)
class EventSchemaRegistrationTests {

	private final List<String> registered = new ArrayList<>();

	private final EventSchemaRegistry registry = (schema, compatibility) -> {
		this.registered.add(schema.eventType() + " " + compatibility);
		return 7;
	};

	@Test
	void eachClassIsRegisteredUnderTheModeAndKeepsItsVersion() {
		EventSchemaRegistration registration = registration(EventSchemaGeneratorTests.Placed.class,
				EventSchemaGeneratorTests.Cancelled.class);
		registration.afterSingletonsInstantiated();
		assertThat(this.registered).containsExactly("Placed FULL", "Cancelled FULL");
		assertThat(registration.versionOf(EventSchemaGeneratorTests.Placed.class)).isEqualTo(7);
		assertThat(registration.versionOf(String.class)).isNull();
	}

	@Test
	void aClassWithoutASchemaIsLeftOutAndTheOthersRegistered() {
		EventSchemaRegistration registration = registration(EventSchemaGeneratorTests.Node.class,
				EventSchemaGeneratorTests.Placed.class);
		registration.afterSingletonsInstantiated();
		assertThat(this.registered).containsExactly("Placed FULL");
		assertThat(registration.versionOf(EventSchemaGeneratorTests.Node.class)).isNull();
	}

	@Test
	void twoClassesOfOneEventTypeWithTheSameSchemaShareItsVersion() {
		EventSchemaRegistration registration = registration(EventSchemaGeneratorTests.Cancelled.class,
				EventSchemaGeneratorTests.CancelledReordered.class);
		registration.afterSingletonsInstantiated();
		assertThat(this.registered).containsExactly("Cancelled FULL");
		assertThat(registration.versionOf(EventSchemaGeneratorTests.CancelledReordered.class)).isEqualTo(7);
	}

	@Test
	void twoClassesOfOneEventTypeWithDifferentSchemasAreLeftOutAndTheOthersRegistered() {
		EventSchemaRegistration registration = registration(SchemaCompatibilityTests.Base.class,
				SchemaCompatibilityTests.WithNote.class, EventSchemaGeneratorTests.Cancelled.class);
		registration.afterSingletonsInstantiated();
		assertThat(this.registered).containsExactly("Cancelled FULL");
		assertThat(registration.versionOf(SchemaCompatibilityTests.Base.class)).isNull();
		assertThat(registration.versionOf(SchemaCompatibilityTests.WithNote.class)).isNull();
	}

	@Test
	void anEventClassPublishedWithoutHavingBeenFoundIsReportedOnce(CapturedOutput output) {
		EventSchemaRegistration registration = registration(EventSchemaGeneratorTests.Node.class,
				EventSchemaGeneratorTests.Placed.class);
		registration.afterSingletonsInstantiated();
		assertThat(registration.versionOf(EventSchemaGeneratorTests.Cancelled.class)).isNull();
		assertThat(registration.versionOf(EventSchemaGeneratorTests.Cancelled.class)).isNull();
		// Left out at start-up, and reported then: not again.
		assertThat(registration.versionOf(EventSchemaGeneratorTests.Node.class)).isNull();
		// Not an event class: nothing to report.
		assertThat(registration.versionOf(String.class)).isNull();
		String unfound = "The event class " + EventSchemaGeneratorTests.Cancelled.class.getName()
				+ " was not found at start-up";
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(unfound), -1)).hasSize(2);
		assertThat(output).contains("outbox.schema.packages")
			.doesNotContain("The event class " + EventSchemaGeneratorTests.Node.class.getName());
	}

	private EventSchemaRegistration registration(Class<?>... eventClasses) {
		return new EventSchemaRegistration(() -> List.of(eventClasses),
				new EventSchemaGenerator(JsonMapper.builder().build()), this.registry, SchemaCompatibility.FULL);
	}

}
