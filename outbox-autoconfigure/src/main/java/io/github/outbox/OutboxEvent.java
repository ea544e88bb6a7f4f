package io.github.outbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose instances are domain events to be written to the outbox.
 * <pre class="code">
 * &#064;OutboxEvent(aggregateType = "order")
 * public record OrderPlaced(&#064;AggregateId UUID orderId, String customer, BigDecimal total) {
 * }
 * </pre>
 * The annotation is found on the event class, its superclasses and its interfaces, and may
 * be used as a meta-annotation, so a sealed interface can carry it once for all its events.
 * <p>
 * The aggregate id is read from the {@link #aggregateId()} expression when one is given, and
 * otherwise from the one member annotated with {@link AggregateId @AggregateId}.
 *
 * @author Outbox contributors
 * @since 0.1.0
 * @see OutboxPublisher
 */
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface OutboxEvent {

	/**
	 * Type of the aggregate the event belongs to, for example {@code "order"}. It selects the
	 * Kafka topic ({@code outbox.event.<aggregateType>} by default).
	 * @return the aggregate type
	 */
	String aggregateType();

	/**
	 * Type of the event, sent to consumers as a header. Defaults to the simple name of the
	 * event class.
	 * @return the event type, or an empty string for the simple class name
	 */
	String type() default "";

	/**
	 * SpEL expression evaluated against the event to obtain the aggregate id: a property name
	 * such as {@code "orderId"}, a path such as {@code "order.id"}, or any expression. The
	 * result's {@code toString()} is the aggregate id, which becomes the Kafka record key.
	 * When empty, the member annotated with {@link AggregateId @AggregateId} is used.
	 * @return the aggregate id expression, or an empty string
	 */
	String aggregateId() default "";

}
