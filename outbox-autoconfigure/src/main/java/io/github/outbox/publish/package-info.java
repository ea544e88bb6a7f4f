/**
 * The write path: publishing events into the outbox table within the caller's transaction.
 */
@NullMarked
package io.github.outbox.publish;

import org.jspecify.annotations.NullMarked;
