package io.github.outbox.support;

import java.util.Optional;

import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;

/**
 * What {@link OutboxEvent @OutboxEvent} names for an event class: the aggregate type and the
 * event type (the class's simple name unless the annotation gives one). The one place where
 * that rule lives: the publisher and the event schema registry both read it here. Internal to
 * the starter.
 *
 * @param aggregateType the aggregate type, possibly blank when the annotation is misused
 * @param eventType the event type
 * @author Outbox contributors
 * @since 0.1.0
 */
public record OutboxEventType(String aggregateType, String eventType) {

	// Read once per class: the publisher asks for every event it writes.
	private static final ClassValue<Optional<OutboxEventType>> types = new ClassValue<>() {

		@Override
		protected Optional<OutboxEventType> computeValue(Class<?> eventClass) {
			MergedAnnotation<OutboxEvent> annotation = MergedAnnotations
				.from(eventClass, SearchStrategy.TYPE_HIERARCHY)
				.get(OutboxEvent.class);
			if (!annotation.isPresent()) {
				return Optional.empty();
			}
			String type = annotation.getString("type");
			return Optional.of(new OutboxEventType(annotation.getString("aggregateType"),
					type.isBlank() ? eventClass.getSimpleName() : type));
		}

	};

	/**
	 * Reads the annotation of an event class, found on the class, its superclasses and its
	 * interfaces, directly or as a meta-annotation.
	 * @param eventClass the class
	 * @return what the annotation names, or {@code null} if the class is not an outbox event
	 */
	public static @Nullable OutboxEventType of(Class<?> eventClass) {
		return types.get(eventClass).orElse(null);
	}

	@Override
	public String toString() {
		return this.aggregateType + "/" + this.eventType;
	}

}
