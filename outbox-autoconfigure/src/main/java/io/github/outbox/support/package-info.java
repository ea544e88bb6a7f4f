/**
 * Internals shared by the starter's packages. Not an API: it may change in any release.
 */
@NullMarked
package io.github.outbox.support;

import org.jspecify.annotations.NullMarked;
