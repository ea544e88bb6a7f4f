package io.github.outbox.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * The event schema check of a service's own build: compares its event classes with the schema
 * files committed in its repository, so that an incompatible change fails the pull request
 * rather than the deploy. Call it from a test:
 * <pre class="code">
 * &#064;Test
 * void eventClassesMatchTheirCommittedSchemas() {
 *     assertThat(EventSchemaFiles.in(Path.of("src/main/resources/outbox/schemas"))
 *         .check(OrderServiceApplication.class.getPackageName()))
 *         .as("schema files written for new versions: commit them")
 *         .isEmpty();
 * }
 * </pre>
 * Each version of an event type is a file {@code <aggregateType>/<eventType>.v<version>.json}.
 * A class whose schema equals a file passes; a compatible change writes the next version's
 * file (commit it with the change); an incompatible one fails with the report the start-up
 * would give. The rules are those of the registry at start-up.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class EventSchemaFiles {

	private final Path directory;

	private final JsonMapper jsonMapper;

	private final SchemaCompatibility compatibility;

	private EventSchemaFiles(Path directory, JsonMapper jsonMapper, SchemaCompatibility compatibility) {
		this.directory = directory;
		this.jsonMapper = jsonMapper;
		this.compatibility = compatibility;
	}

	/**
	 * Uses the schema files of a directory, with a Jackson mapper of Jackson's defaults and
	 * modules, under {@link SchemaCompatibility#FORWARD}.
	 * @param directory the directory, such as {@code src/main/resources/outbox/schemas}
	 * @return the check
	 */
	public static EventSchemaFiles in(Path directory) {
		return new EventSchemaFiles(directory, JsonMapper.builder().findAndAddModules().build(),
				SchemaCompatibility.FORWARD);
	}

	/**
	 * Derives the schemas with the application's mapper, for one configured differently from
	 * Jackson's defaults (a naming strategy, a default inclusion).
	 * @param jsonMapper the mapper
	 * @return a check using it
	 */
	public EventSchemaFiles withMapper(JsonMapper jsonMapper) {
		return new EventSchemaFiles(this.directory, jsonMapper, this.compatibility);
	}

	/**
	 * Checks under another mode: the one of the service's {@code outbox.schema.compatibility}.
	 * @param compatibility the mode
	 * @return a check using it
	 */
	public EventSchemaFiles withCompatibility(SchemaCompatibility compatibility) {
		return new EventSchemaFiles(this.directory, this.jsonMapper, compatibility);
	}

	/**
	 * Checks the {@code @OutboxEvent} classes of packages (and their sub-packages).
	 * @param packages the packages, such as the application class's
	 * @return the schema files written for new versions, empty when nothing changed
	 * @throws AssertionError if a class changed incompatibly, with the report and the ways out
	 */
	public List<Path> check(String... packages) {
		return checkClasses(EventClasses.scan(Arrays.asList(packages), new StandardEnvironment(),
				new DefaultResourceLoader(EventSchemaFiles.class.getClassLoader())));
	}

	/**
	 * Checks event classes.
	 * @param eventClasses the {@code @OutboxEvent} classes
	 * @return the schema files written for new versions, empty when nothing changed
	 * @throws AssertionError if a class changed incompatibly, with the report and the ways out
	 */
	public List<Path> check(Class<?>... eventClasses) {
		return checkClasses(Arrays.asList(eventClasses));
	}

	private List<Path> checkClasses(List<Class<?>> eventClasses) {
		EventSchemaGenerator generator = new EventSchemaGenerator(this.jsonMapper);
		List<Path> written = new ArrayList<>();
		for (Class<?> eventClass : eventClasses) {
			EventSchema schema = generator.generate(eventClass);
			SchemaVersions.Registration registration;
			try {
				registration = new SchemaVersions(
						SchemaFiles.inDirectory(this.directory, schema.aggregateType(), schema.eventType()))
					.register(schema, this.compatibility);
			}
			catch (IncompatibleEventSchemaException ex) {
				throw new AssertionError(ex.getMessage() + System.lineSeparator() + System.lineSeparator()
						+ ex.getAdvice(), ex);
			}
			if (registration.added()) {
				Path file = this.directory.resolve(schema.aggregateType())
					.resolve(SchemaFiles.fileName(schema.eventType(), registration.version()));
				write(file, schema.prettyText() + System.lineSeparator());
				written.add(file);
			}
		}
		return written;
	}

	private static void write(Path file, String text) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Writing the schema file " + file + " failed", ex);
		}
	}

}
