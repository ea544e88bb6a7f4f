package io.github.outbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a Kafka listener method process each outbox event once, however often Kafka delivers
 * it.
 * <pre class="code">
 * &#064;KafkaListener(topics = "outbox.event.order")
 * &#064;Inbox("order-projection")
 * void on(ReceivedEvent&lt;OrderPlaced&gt; event) {
 *     projection.add(event.payload());
 * }
 * </pre>
 * The method runs in a database transaction that also records the event's id in the inbox
 * table. An event whose id the inbox already holds for this consumer is skipped; if the
 * method fails, the transaction rolls back, nothing is recorded and Spring Kafka's error
 * handler retries the record. Because the record of the event commits with the method's own
 * database changes, a crash after the commit but before Kafka's offset commit cannot process
 * the event twice.
 * <p>
 * The method takes the event as a {@link ReceivedEvent}, a {@code List} of them (batch
 * listeners), a {@code ConsumerRecord} or a {@code List} of those; the event id is the
 * record's {@code eventId} header.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Inbox {

	/**
	 * Name of the consumer, under which processed events are recorded. Each consumer
	 * processes an event once. Defaults to the {@code @KafkaListener} id, or else the class
	 * and method name; set it explicitly so that renaming code does not process events again.
	 * @return the consumer name, or an empty string for the default
	 */
	String value() default "";

}
