package io.github.outbox.sample;

import java.nio.file.Path;

import io.github.outbox.contract.EventSchemaFiles;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check a service runs in its own build: its event classes against the schema files
 * committed next to them. A compatible change writes the next version's file (commit it); an
 * incompatible one fails here, before the deploy.
 */
class EventContractTests {

	@Test
	void eventClassesMatchTheirCommittedSchemas() {
		assertThat(EventSchemaFiles.in(Path.of("src/main/resources/outbox/schemas"))
			.check(OrderServiceApplication.class.getPackageName()))
			.as("schema files written for new versions: commit them")
			.isEmpty();
	}

}
