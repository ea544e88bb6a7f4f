/**
 * The pipeline console: a read-only page, served as the Actuator endpoint
 * {@code outboxconsole}, that shows each stage of the pipeline (service, outbox table, WAL and
 * replication slot, relay, Kafka, inbox) live, from the starter's own health and meters.
 */
@NullMarked
package io.github.outbox.console;

import org.jspecify.annotations.NullMarked;
