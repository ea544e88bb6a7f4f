package io.github.outbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the member of an {@link OutboxEvent @OutboxEvent} class that holds the aggregate id:
 * a record component, a field, or a method without parameters. Its value's
 * {@code toString()} is the aggregate id, which becomes the Kafka record key, so that all
 * events of one aggregate are delivered in order.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@Target({ ElementType.FIELD, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AggregateId {

}
