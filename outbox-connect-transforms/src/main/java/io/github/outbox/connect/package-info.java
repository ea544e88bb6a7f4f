/**
 * Kafka Connect single message transforms for outbox records.
 */
package io.github.outbox.connect;
