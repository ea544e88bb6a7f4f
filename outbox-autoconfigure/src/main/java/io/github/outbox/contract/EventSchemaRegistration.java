package io.github.outbox.contract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.outbox.support.EventSchemaVersions;
import io.github.outbox.support.OutboxEventType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Registers the schema of each of the application's event classes when the application
 * starts, once its beans exist (so that the checks of the outbox table report first) and
 * before it publishes or relays anything: an incompatible change stops the start-up
 * with an {@link IncompatibleEventSchemaException}. The versions of an event type that the
 * service ships as schema files ({@code outbox/schemas/} on its class path) are registered
 * first, in their order.
 */
final class EventSchemaRegistration implements SmartInitializingSingleton, EventSchemaVersions {

	private static final Logger logger = LoggerFactory.getLogger(EventSchemaRegistration.class);

	private final Supplier<List<Class<?>>> eventClasses;

	private final EventSchemaGenerator generator;

	private final EventSchemaRegistry registry;

	private final SchemaCompatibility compatibility;

	// Filled once, before the application publishes; read by every publication.
	private final Map<Class<?>, Integer> versions = new ConcurrentHashMap<>();

	// Classes without a version that were reported already: left out at start-up, or
	// published without having been found (once).
	private final Set<Class<?>> reported = ConcurrentHashMap.newKeySet();

	EventSchemaRegistration(Supplier<List<Class<?>>> eventClasses, EventSchemaGenerator generator,
			EventSchemaRegistry registry, SchemaCompatibility compatibility) {
		this.eventClasses = eventClasses;
		this.generator = generator;
		this.registry = registry;
		this.compatibility = compatibility;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, Map<Class<?>, EventSchema>> byType = new LinkedHashMap<>();
		for (Class<?> eventClass : this.eventClasses.get()) {
			try {
				EventSchema schema = this.generator.generate(eventClass);
				// A blank aggregate type: the publisher refuses the class with its own report.
				if (!schema.aggregateType().isBlank()) {
					String key = schema.aggregateType() + "/" + schema.eventType();
					byType.computeIfAbsent(key, (type) -> new LinkedHashMap<>()).put(eventClass, schema);
				}
			}
			catch (IllegalArgumentException ex) {
				logger.warn("The schema of {} is not registered, so changes to it are not checked: {}",
						eventClass.getName(), ex.getMessage());
				this.reported.add(eventClass);
			}
		}
		byType.values().forEach((classes) -> {
			EventSchema schema = classes.values().iterator().next();
			if (classes.values().stream().map(EventSchema::fingerprint).distinct().count() > 1) {
				logger.warn("Event type '{}' (aggregate type '{}') is published by classes whose events differ, {}, so "
						+ "its schema is not registered and changes to it are not checked. Give each class an event "
						+ "type of its own: @OutboxEvent(type = \"...\").", schema.eventType(), schema.aggregateType(),
						classes.keySet().stream().map(Class::getName).toList());
				this.reported.addAll(classes.keySet());
				return;
			}
			int version = register(schema, classes.keySet().iterator().next());
			classes.keySet().forEach((eventClass) -> this.versions.put(eventClass, version));
		});
		logger.debug("Event schemas registered: {}", this.versions);
	}

	private int register(EventSchema schema, Class<?> eventClass) {
		// The versions the service ships (written and checked by its build) come first, in
		// order, as they are: the build already checked each against the one before, and a
		// deliberate break between two of them must not stop a fresh database.
		Integer classVersion = null;
		for (Map.Entry<Integer, EventSchema> shipped : SchemaFiles
			.onClassPath(eventClass.getClassLoader(), schema.aggregateType(), schema.eventType())
			.entrySet()) {
			int registered = this.registry.register(shipped.getValue(), SchemaCompatibility.NONE);
			if (registered != shipped.getKey()) {
				logger.warn("The schema file {} of event type '{}' is version {} in the registry: the registry holds "
						+ "versions the files do not (registered by a build without them), so consumers see the "
						+ "registry's numbers.", SchemaFiles.fileName(schema.eventType(), shipped.getKey()),
						schema.eventType(), registered);
			}
			if (shipped.getValue().fingerprint().equals(schema.fingerprint())) {
				classVersion = registered;
			}
		}
		return (classVersion != null) ? classVersion : this.registry.register(schema, this.compatibility);
	}

	@Override
	public @Nullable Integer versionOf(Class<?> eventClass) {
		Integer version = this.versions.get(eventClass);
		if (version == null && OutboxEventType.of(eventClass) != null && this.reported.add(eventClass)) {
			logger.warn("The event class {} was not found at start-up, so its schema is not registered, changes to "
					+ "it are not checked and its events carry no eventSchemaVersion header. Move it under the "
					+ "application's package, or name its package in outbox.schema.packages.", eventClass.getName());
		}
		return version;
	}

	/**
	 * Returns the registered schema version of each event class found.
	 * @return the versions by class
	 */
	Map<Class<?>, Integer> versions() {
		return Map.copyOf(this.versions);
	}

}
