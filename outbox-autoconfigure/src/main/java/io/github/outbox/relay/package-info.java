/**
 * The embedded relay: Debezium reads the outbox inserts from PostgreSQL's write-ahead log and
 * the relay delivers each, as routed by the Outbox Event Router, to Kafka.
 */
@NullMarked
package io.github.outbox.relay;

import org.jspecify.annotations.NullMarked;
