/**
 * Tests of the event schema registry; null-marked like the sample's events.
 */
@NullMarked
package io.github.outbox.contract;

import org.jspecify.annotations.NullMarked;
