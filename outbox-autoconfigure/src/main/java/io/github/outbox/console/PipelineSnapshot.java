package io.github.outbox.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The pipeline at one instant, stage by stage, as the console shows it. Counters are totals
 * since this instance started; the page turns them into rates.
 *
 * @param at when it was taken
 * @param service the events this instance published
 * @param table the outbox table
 * @param relay the relay and its replication slot, from the {@code outboxRelay} health
 * @param kafka the outbox topics and their consumers
 * @param inbox the {@code @Inbox} consumers of this instance
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public record PipelineSnapshot(Instant at, Service service, Table table, Relay relay, Kafka kafka,
		List<InboxConsumer> inbox) {

	/**
	 * The service's side: events committed with their business change.
	 *
	 * @param published events committed, in total
	 * @param publishedByType events committed per {@code aggregateType/eventType}
	 * @param writeMeanMillis mean time to write a transaction's outbox rows with its commit
	 */
	public record Service(double published, Map<String, Double> publishedByType, @Nullable Double writeMeanMillis) {
	}

	/**
	 * The outbox table.
	 *
	 * @param rows estimated rows kept, or {@code null} without cleanup metrics
	 * @param oldestAgeSeconds age of the oldest row, or {@code null} without cleanup metrics
	 */
	public record Table(@Nullable Double rows, @Nullable Double oldestAgeSeconds) {
	}

	/**
	 * The relay and its slot.
	 *
	 * @param status the {@code outboxRelay} health status ({@code UP}, {@code DOWN}, or
	 * {@code UNKNOWN} without the relay's health)
	 * @param state the relay in this instance ({@code relaying}, {@code standing by},
	 * {@code stopped}, ...)
	 * @param details every detail of the health, as reported
	 * @param delivered events delivered by this instance, in total
	 * @param lagP50Millis median time from commit to Kafka's acknowledgement, recent
	 * @param lagP99Millis 99th percentile of that time, recent
	 */
	public record Relay(String status, String state, Map<String, Object> details, @Nullable Double delivered,
			@Nullable Double lagP50Millis, @Nullable Double lagP99Millis) {
	}

	/**
	 * Kafka, as seen from this instance.
	 *
	 * @param reachable whether Kafka answered the console's last question
	 * @param problem why not, when it did not
	 * @param topics end offset of each outbox topic, and of the dead-letter topic ({@code -dlt}) of
	 * each topic this instance consumes, summed over its partitions
	 * @param consumers the listener containers of this instance and how far behind each is
	 */
	public record Kafka(boolean reachable, @Nullable String problem, Map<String, Long> topics,
			List<Consumer> consumers) {
	}

	/**
	 * One listener container.
	 *
	 * @param group its consumer group
	 * @param topics the topics it listens to
	 * @param running whether it runs
	 * @param lag records of its topics not committed by the group yet, or {@code null} unknown
	 */
	public record Consumer(String group, List<String> topics, boolean running, @Nullable Long lag) {
	}

	/**
	 * One {@code @Inbox} consumer.
	 *
	 * @param consumer its name
	 * @param processed events it applied
	 * @param duplicates events it skipped as already applied
	 */
	public record InboxConsumer(String consumer, double processed, double duplicates) {
	}

}
