/**
 * Replay: republishing events still kept in the outbox table, through Debezium's own
 * signalling. {@link io.github.outbox.replay.OutboxReplay} asks the relay, whatever its
 * deployment, for an incremental snapshot of a time range of the outbox table.
 */
@NullMarked
package io.github.outbox.replay;

import org.jspecify.annotations.NullMarked;
