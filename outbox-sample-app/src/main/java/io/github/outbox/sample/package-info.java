/**
 * A sample order service using the outbox starter.
 */
@NullMarked
package io.github.outbox.sample;

import org.jspecify.annotations.NullMarked;
