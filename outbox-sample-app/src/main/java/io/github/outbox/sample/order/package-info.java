/**
 * The order aggregate and its domain events.
 */
@NullMarked
package io.github.outbox.sample.order;

import org.jspecify.annotations.NullMarked;
