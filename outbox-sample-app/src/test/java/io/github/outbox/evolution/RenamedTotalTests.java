package io.github.outbox.evolution;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.stream.Stream;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.contract.EventSchemaFiles;
import io.github.outbox.contract.IncompatibleEventSchemaException;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What happens to a developer who renames {@code OrderPlaced.total} to {@code amount}: the
 * build's check fails with the report, and a deploy of it would stop at start-up. The renamed
 * class lives outside the sample's packages, as the next commit of the service would have it.
 */
class RenamedTotalTests {

	@TempDir
	Path schemas;

	@Test
	void theBuildsCheckRefusesTheRename() throws IOException {
		copySampleSchemas();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> EventSchemaFiles.in(this.schemas).check(OrderPlaced.class))
			.withMessageContaining("event type 'OrderPlaced' (aggregate type 'order'")
			.withMessageContaining("total: version 2 has number, the class has none")
			.withMessageContaining("@JsonProperty(\"<old name>\")");
	}

	@Test
	void aDeployOfTheRenameStopsAtStartUp() {
		EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.shared().createDatabase("renamed");
		SpringApplication application = new SpringApplication(RenamedOrderService.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatThrownBy(() -> application.run("--spring.datasource.url=" + database.jdbcUrl(),
				"--spring.datasource.username=" + database.username(), "--spring.datasource.password=",
				"--outbox.dev-services.enabled=false", "--outbox.relay.enabled=false"))
			.isInstanceOf(IncompatibleEventSchemaException.class)
			.hasMessageContaining("total: version 2 has number, the class has none");
	}

	private void copySampleSchemas() throws IOException {
		Path source = Path.of("src/main/resources/outbox/schemas");
		try (Stream<Path> files = Files.walk(source)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				Path target = this.schemas.resolve(source.relativize(file));
				Files.createDirectories(target.getParent());
				Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	/**
	 * {@code OrderPlaced} with {@code total} renamed.
	 *
	 * @param orderId the order
	 * @param customer who ordered
	 * @param amount what was {@code total}
	 */
	@OutboxEvent(aggregateType = "order", type = "OrderPlaced")
	record OrderPlaced(@AggregateId UUID orderId, String customer, BigDecimal amount) {
	}

	@SpringBootApplication
	static class RenamedOrderService {

	}

}
