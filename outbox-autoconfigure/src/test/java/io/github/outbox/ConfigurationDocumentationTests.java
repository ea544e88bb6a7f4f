package io.github.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds docs/configuration.md to the configuration metadata of every outbox module on the class
 * path (the starter's and the dev services'): the same properties, with the same defaults and
 * descriptions.
 */
class ConfigurationDocumentationTests {

	private static final Path DOCUMENT = Path.of("..", "docs", "configuration.md");

	@Test
	void documentedPropertiesAreExactlyThoseOfTheCode() throws IOException {
		assertThat(documentedRows()).as("rows of %s; expected rows:%n%s", DOCUMENT, String.join("\n", expectedRows()))
			.isEqualTo(metadataRows());
	}

	private static Map<String, String> documentedRows() throws IOException {
		Map<String, String> rows = new TreeMap<>();
		for (String line : Files.readAllLines(DOCUMENT)) {
			if (line.startsWith("| `outbox.")) {
				rows.put(line.substring(3, line.indexOf('`', 3)), line);
			}
		}
		return rows;
	}

	private static Map<String, String> metadataRows() throws IOException {
		Map<String, String> rows = new TreeMap<>();
		Enumeration<URL> resources = ConfigurationDocumentationTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		for (URL resource : Collections.list(resources)) {
			try (InputStream metadata = resource.openStream()) {
				for (JsonNode property : new JsonMapper().readTree(metadata).get("properties")) {
					String name = property.get("name").asString();
					if (name.startsWith("outbox.")) {
						rows.put(name, row(name, property));
					}
				}
			}
		}
		return rows;
	}

	private static String row(String name, JsonNode property) {
		JsonNode defaultValue = property.get("defaultValue");
		String rendered = (defaultValue == null || defaultValue.isNull()) ? "(none)" : defaultValue.asString();
		return "| `" + name + "` | `" + rendered + "` | " + property.get("description").asString() + " |";
	}

	private static List<String> expectedRows() throws IOException {
		return List.copyOf(metadataRows().values());
	}

}
