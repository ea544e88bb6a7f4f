package io.github.outbox.publish;

import io.github.outbox.OutboxPublisher;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;

/**
 * Publishes to the outbox every {@link io.github.outbox.OutboxEvent @OutboxEvent} that the
 * application publishes through Spring's {@code ApplicationEventPublisher}, which includes
 * Spring Data's {@code @DomainEvents} and {@code AbstractAggregateRoot} events.
 * <p>
 * It always runs in the publishing thread, inside the publisher's transaction, even when the
 * application's event multicaster dispatches other listeners asynchronously.
 */
final class OutboxApplicationEventListener implements GenericApplicationListener {

	private final OutboxPublisher publisher;

	OutboxApplicationEventListener(OutboxPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		// Spring caches the answer per event type, so annotations are looked up once per class.
		if (PayloadApplicationEvent.class.isAssignableFrom(eventType.toClass())) {
			return OutboxEventDescriptor.isOutboxEvent(eventType.as(PayloadApplicationEvent.class).getGeneric().toClass());
		}
		return OutboxEventDescriptor.isOutboxEvent(eventType.toClass());
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		this.publisher.publish((event instanceof PayloadApplicationEvent<?> payloadEvent) ? payloadEvent.getPayload() : event);
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

}
