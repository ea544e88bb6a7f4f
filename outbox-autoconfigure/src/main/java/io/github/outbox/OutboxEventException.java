package io.github.outbox;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an event cannot be written to the outbox: its class is not annotated, it has no
 * aggregate id, it cannot be serialized, or it does not fit the outbox table. The message
 * names the event class, the problem and what to do about it.
 * <p>
 * The transaction the event was published in can no longer commit.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public class OutboxEventException extends RuntimeException {

	private final Class<?> eventClass;

	/**
	 * Creates a new exception.
	 * @param eventClass the class of the event that could not be written
	 * @param problem what is wrong with it
	 * @param advice what to do about it
	 */
	public OutboxEventException(Class<?> eventClass, String problem, String advice) {
		this(eventClass, problem, advice, null);
	}

	/**
	 * Creates a new exception.
	 * @param eventClass the class of the event that could not be written
	 * @param problem what is wrong with it
	 * @param advice what to do about it
	 * @param cause the underlying failure, if any
	 */
	public OutboxEventException(Class<?> eventClass, String problem, String advice, @Nullable Throwable cause) {
		super("Cannot publish outbox event " + eventClass.getName() + ": " + problem + ". " + advice, cause);
		this.eventClass = eventClass;
	}

	/**
	 * Returns the class of the event that could not be written.
	 * @return the event class
	 */
	public Class<?> getEventClass() {
		return this.eventClass;
	}

}
