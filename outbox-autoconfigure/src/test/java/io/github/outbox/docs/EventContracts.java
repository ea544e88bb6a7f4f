package io.github.outbox.docs;

import java.nio.file.Path;

import io.github.outbox.OutboxEventUpcaster;
import io.github.outbox.contract.EventSchemaFiles;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/schema-evolution.md: the check in a service's build, and an upcaster. Not run here
 * (its name is no test class's): the check would write into this module's sources.
 */
class EventContracts {

	static class EventContractTests {

		@Test
		void eventClassesMatchTheirCommittedSchemas() {
			assertThat(EventSchemaFiles.in(Path.of("src/main/resources/outbox/schemas"))
				.check(OrderServiceApplication.class.getPackageName()))
				.as("schema files written for new versions: commit them")
				.isEmpty();
		}

	}

	static class Upcasting {

		@Bean
		OutboxEventUpcaster orderPlacedVersion1() {
			// Version 1 called the total "amount".
			return OutboxEventUpcaster.of("OrderPlaced", 1, (payload) -> {
				ObjectNode order = (ObjectNode) payload;
				order.set("total", order.remove("amount"));
				return order;
			});
		}

	}

	static class OrderServiceApplication {

	}

}
