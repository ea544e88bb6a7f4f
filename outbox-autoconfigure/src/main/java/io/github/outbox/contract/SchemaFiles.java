package io.github.outbox.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * The naming of schema files, {@code <aggregateType>/<eventType>.v<version>.json}, and the
 * versions a service ships on its class path under {@value #CLASS_PATH_LOCATION}: those
 * {@link EventSchemaFiles} writes into {@code src/main/resources/outbox/schemas}.
 */
final class SchemaFiles {

	static final String CLASS_PATH_LOCATION = "outbox/schemas";

	private static final Pattern VERSION_FILE = Pattern.compile("(.+)\\.v(\\d+)\\.json");

	private SchemaFiles() {
	}

	static String fileName(String eventType, int version) {
		return eventType + ".v" + version + ".json";
	}

	/**
	 * Returns the version a file name stands for.
	 * @param fileName the name
	 * @param eventType the event type
	 * @return the version, or {@code null} if the name is not one of the event type's
	 */
	static @Nullable Integer version(String fileName, String eventType) {
		Matcher matcher = VERSION_FILE.matcher(fileName);
		return (matcher.matches() && matcher.group(1).equals(eventType)) ? Integer.valueOf(matcher.group(2)) : null;
	}

	/**
	 * Reads the versions of an event type shipped on the class path.
	 * @param classLoader the class loader
	 * @param aggregateType the aggregate type
	 * @param eventType the event type
	 * @return the schemas by version
	 */
	static Map<Integer, EventSchema> onClassPath(@Nullable ClassLoader classLoader, String aggregateType,
			String eventType) {
		return read(new PathMatchingResourcePatternResolver(classLoader),
				ResourcePatternResolver.CLASSPATH_ALL_URL_PREFIX + CLASS_PATH_LOCATION, aggregateType, eventType);
	}

	/**
	 * Reads the versions of an event type kept in a directory.
	 * @param directory the directory, such as {@code src/main/resources/outbox/schemas}
	 * @param aggregateType the aggregate type
	 * @param eventType the event type
	 * @return the schemas by version
	 */
	static Map<Integer, EventSchema> inDirectory(Path directory, String aggregateType, String eventType) {
		return read(new PathMatchingResourcePatternResolver(), directory.toUri().toString(), aggregateType, eventType);
	}

	private static Map<Integer, EventSchema> read(ResourcePatternResolver resolver, String location,
			String aggregateType, String eventType) {
		String folder = location.endsWith("/") ? location : location + "/";
		Map<Integer, EventSchema> versions = new TreeMap<>();
		try {
			for (Resource resource : resolver.getResources(folder + aggregateType + "/" + eventType + ".v*.json")) {
				Integer version = version(String.valueOf(resource.getFilename()), eventType);
				if (version != null) {
					versions.put(version, EventSchema.read(aggregateType, eventType,
							"schema file " + resource.getFilename(), resource.getContentAsString(StandardCharsets.UTF_8)));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Reading the schema files of event type '" + eventType + "' in " + location
					+ " failed", ex);
		}
		return versions;
	}

}
