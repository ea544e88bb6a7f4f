/**
 * Embedded infrastructure for development and tests: servers started by the JVM that uses
 * them and stopped with it, even when that JVM is killed.
 */
@NullMarked
package io.github.outbox.devservices;

import org.jspecify.annotations.NullMarked;
