/**
 * The outbox table and its publication: naming, and the Flyway migrations that create them.
 */
@NullMarked
package io.github.outbox.schema;

import org.jspecify.annotations.NullMarked;
