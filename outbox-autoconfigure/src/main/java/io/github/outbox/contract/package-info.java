/**
 * Event contracts: each event class's JSON Schema, registered per version at start-up, and
 * the compatibility rules that stop an incompatible change.
 */
@NullMarked
package io.github.outbox.contract;

import org.jspecify.annotations.NullMarked;
