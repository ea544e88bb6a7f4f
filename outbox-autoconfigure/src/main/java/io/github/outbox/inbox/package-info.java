/**
 * The consumer side: process each outbox event once, by recording its id in the inbox table in
 * the transaction that processes it.
 */
@NullMarked
package io.github.outbox.inbox;

import org.jspecify.annotations.NullMarked;
