package io.github.outbox.support;

import org.jspecify.annotations.Nullable;

/**
 * The registered schema version of each event class, which the publisher writes into every
 * event's {@value #HEADER} header: the registry's registration provides it, the publisher and
 * the consumer side read it. Internal to the starter.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@FunctionalInterface
public interface EventSchemaVersions {

	/**
	 * The header that carries an event's schema version: an entry of the outbox row's
	 * {@code headers} column, which the shipped connector configuration turns into a Kafka
	 * header in every deployment.
	 */
	String HEADER = "eventSchemaVersion";

	/**
	 * No versions: the registry is off or absent.
	 */
	EventSchemaVersions NONE = (eventClass) -> null;

	/**
	 * Reads a {@value #HEADER} header.
	 * @param header the header's value
	 * @return the version, or {@code null} if there is none or it is not a number
	 */
	static @Nullable Integer parse(@Nullable String header) {
		if (header == null) {
			return null;
		}
		try {
			return Integer.valueOf(header.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Returns the registered schema version of an event class.
	 * @param eventClass the class of a published event
	 * @return its version, or {@code null} if it has none
	 */
	@Nullable Integer versionOf(Class<?> eventClass);

}
