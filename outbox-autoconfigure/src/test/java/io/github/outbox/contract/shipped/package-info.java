/**
 * An event class whose schema versions are shipped as files, for the registry's tests.
 */
@NullMarked
package io.github.outbox.contract.shipped;

import org.jspecify.annotations.NullMarked;
