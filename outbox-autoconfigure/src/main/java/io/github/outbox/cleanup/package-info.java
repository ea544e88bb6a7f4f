/**
 * Keeping the outbox table small: the retention, delete-after-insert and partitions
 * strategies, and the job that runs them on one instance at a time.
 */
@NullMarked
package io.github.outbox.cleanup;

import org.jspecify.annotations.NullMarked;
