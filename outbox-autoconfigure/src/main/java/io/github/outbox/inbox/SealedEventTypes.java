package io.github.outbox.inbox;

import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;

/**
 * The concrete events of a sealed event type, by event type: what lets a listener take
 * {@code ReceivedEvent<OrderEvent>} for a topic that carries {@code OrderPlaced} and
 * {@code OrderCancelled}, each payload read into the class whose event type the record's
 * {@code eventType} header names. Event types are worked out as the publisher does: the
 * {@link OutboxEvent#type() type} of the class's {@code @OutboxEvent}, or else its simple
 * name.
 */
final class SealedEventTypes {

	private static final ClassValue<SealedEventTypes> cache = new ClassValue<>() {

		@Override
		protected SealedEventTypes computeValue(Class<?> sealedType) {
			Map<String, Class<?>> subtypes = new LinkedHashMap<>();
			collect(sealedType, subtypes);
			return new SealedEventTypes(subtypes);
		}

	};

	private final Map<String, Class<?>> subtypes;

	private SealedEventTypes(Map<String, Class<?>> subtypes) {
		this.subtypes = subtypes;
	}

	/**
	 * Returns the event types of a sealed class or interface.
	 * @param type a sealed type
	 * @return its concrete events
	 */
	static SealedEventTypes of(Class<?> type) {
		return cache.get(type);
	}

	/**
	 * Returns the concrete event class for an event type.
	 * @param eventType the record's event type
	 * @return the class, or {@code null} when none of the permitted subclasses has that type
	 */
	@Nullable Class<?> forEventType(String eventType) {
		return this.subtypes.get(eventType);
	}

	/**
	 * Returns the event types known, to name them in an error.
	 * @return the event types
	 */
	Set<String> eventTypes() {
		return this.subtypes.keySet();
	}

	private static void collect(Class<?> type, Map<String, Class<?>> subtypes) {
		if (!type.isInterface() && !Modifier.isAbstract(type.getModifiers())) {
			subtypes.putIfAbsent(eventType(type), type);
		}
		Class<?>[] permitted = type.getPermittedSubclasses();
		if (permitted != null) {
			for (Class<?> subtype : permitted) {
				collect(subtype, subtypes);
			}
		}
	}

	private static String eventType(Class<?> eventClass) {
		MergedAnnotation<OutboxEvent> annotation = MergedAnnotations.from(eventClass, SearchStrategy.TYPE_HIERARCHY)
			.get(OutboxEvent.class);
		String type = annotation.isPresent() ? annotation.getString("type") : "";
		return type.isBlank() ? eventClass.getSimpleName() : type;
	}

}
