package io.github.outbox.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The build-time check: schema files written for new versions, an unchanged class passing, an
 * incompatible change failing the test with the start-up's report.
 */
class EventSchemaFilesTests {

	private static final String FIRST = "io.github.outbox.contract.v1";

	private static final String SECOND = "io.github.outbox.contract.v2";

	private static final String RENAMED = "io.github.outbox.contract.renamed";

	@TempDir
	Path schemas;

	@Test
	void theFirstCheckWritesVersionOneOfEachEventType() throws IOException {
		List<Path> written = EventSchemaFiles.in(this.schemas).check(FIRST);
		assertThat(written).containsExactly(this.schemas.resolve("order/OrderCancelled.v1.json"),
				this.schemas.resolve("order/OrderPlaced.v1.json"));
		String text = Files.readString(this.schemas.resolve("order/OrderPlaced.v1.json"));
		assertThat(text).contains("\"total\"").contains(System.lineSeparator() + "  ");
		assertThat(EventSchema.read("order", "OrderPlaced", "", text).schema()).isEqualTo(new EventSchemaGenerator(tools.jackson.databind.json.JsonMapper
			.builder()
			.build()).generate(io.github.outbox.contract.v1.OrderEvent.OrderPlaced.class).schema());
	}

	@Test
	void anUnchangedClassWritesNothing() {
		EventSchemaFiles.in(this.schemas).check(FIRST);
		assertThat(EventSchemaFiles.in(this.schemas).check(FIRST)).isEmpty();
	}

	@Test
	void aCompatibleChangeWritesTheNextVersion() throws IOException {
		EventSchemaFiles.in(this.schemas).check(FIRST);
		assertThat(EventSchemaFiles.in(this.schemas).check(SECOND))
			.containsExactly(this.schemas.resolve("order/OrderPlaced.v2.json"));
		assertThat(Files.readString(this.schemas.resolve("order/OrderPlaced.v2.json"))).contains("\"coupon\"");
		assertThat(EventSchemaFiles.in(this.schemas).check(FIRST)).as("the older class still passes").isEmpty();
	}

	@Test
	void anIncompatibleChangeFailsWithTheReportAndWritesNothing() throws IOException {
		EventSchemaFiles.in(this.schemas).check(FIRST);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> EventSchemaFiles.in(this.schemas).check(RENAMED))
			.withMessageContaining("event type 'OrderPlaced' (aggregate type 'order'")
			.withMessageContaining("total: version 1 has number, the class has none")
			.withMessageContaining("@JsonProperty(\"<old name>\")");
		try (Stream<Path> files = Files.list(this.schemas.resolve("order"))) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder(
					"OrderCancelled.v1.json", "OrderPlaced.v1.json");
		}
	}

	@Test
	void theModeIsTheServicesOwn() {
		EventSchemaFiles.in(this.schemas).check(FIRST);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> EventSchemaFiles.in(this.schemas)
				.withCompatibility(SchemaCompatibility.BACKWARD)
				.check(SECOND))
			.withMessageContaining("coupon");
		assertThat(EventSchemaFiles.in(this.schemas).withCompatibility(SchemaCompatibility.NONE).check(RENAMED))
			.containsExactly(this.schemas.resolve("order/OrderPlaced.v2.json"));
	}

	@Test
	void classesCanBeNamedInsteadOfScanned() {
		assertThat(EventSchemaFiles.in(this.schemas).check(io.github.outbox.contract.v1.OrderEvent.OrderPlaced.class))
			.containsExactly(this.schemas.resolve("order/OrderPlaced.v1.json"));
	}

}
