package io.github.outbox.relay;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the embedded relay ({@code outbox.relay.*}).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@ConfigurationProperties("outbox.relay")
public class OutboxRelayProperties {

	/**
	 * Whether to run the embedded Debezium relay in this application. When several instances
	 * run, one relays and the others stand by.
	 */
	private boolean enabled;

	/**
	 * Name of the logical replication slot the relay streams from. Created at start-up when
	 * missing, before the first event can be written.
	 */
	private String slotName = "outbox_slot";

	/**
	 * Topic each event is sent to, where ${routedByValue} stands for its aggregate type.
	 */
	private String topic = "outbox.event.${routedByValue}";

	/**
	 * Whether to create a missing event topic before sending to it, with the broker's default
	 * partitions and replication factor.
	 */
	private boolean createTopics = true;

	private final Offsets offsets = new Offsets();

	private final Failover failover = new Failover();

	private final Retry retry = new Retry();

	private final Health health = new Health();

	/**
	 * Debezium connector and engine properties, applied over those the relay derives from
	 * the data source and the outbox table; for example database.user and database.password
	 * for a user with the REPLICATION attribute.
	 */
	private final Map<String, String> debezium = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getSlotName() {
		return this.slotName;
	}

	public void setSlotName(String slotName) {
		this.slotName = slotName;
	}

	public String getTopic() {
		return this.topic;
	}

	public void setTopic(String topic) {
		this.topic = topic;
	}

	public boolean isCreateTopics() {
		return this.createTopics;
	}

	public void setCreateTopics(boolean createTopics) {
		this.createTopics = createTopics;
	}

	public Offsets getOffsets() {
		return this.offsets;
	}

	public Failover getFailover() {
		return this.failover;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Health getHealth() {
		return this.health;
	}

	public Map<String, String> getDebezium() {
		return this.debezium;
	}

	/**
	 * Where and how often the relay records its position.
	 */
	public static class Offsets {

		/**
		 * Compacted Kafka topic that holds the relay's position, shared by every instance.
		 */
		private String topic = "outbox-relay-offsets";

		/**
		 * Replication factor of the offsets topic when the relay creates it. When not set, the
		 * broker's default.
		 */
		private @Nullable Short replicationFactor;

		/**
		 * How often the position of acknowledged events is committed. Bounds the events sent
		 * again after a crash.
		 */
		private Duration flushInterval = Duration.ofSeconds(1);

		public String getTopic() {
			return this.topic;
		}

		public void setTopic(String topic) {
			this.topic = topic;
		}

		public @Nullable Short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(@Nullable Short replicationFactor) {
			this.replicationFactor = replicationFactor;
		}

		public Duration getFlushInterval() {
			return this.flushInterval;
		}

		public void setFlushInterval(Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

	}

	/**
	 * How instances agree on which one relays.
	 */
	public static class Failover {

		/**
		 * How often a standing-by instance tries to take over the relay, and the relaying one
		 * checks that it still holds it.
		 */
		private Duration checkInterval = Duration.ofSeconds(2);

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

	/**
	 * How failures of the database connection, the Debezium engine or Kafka are retried.
	 */
	public static class Retry {

		/**
		 * Delay before the first retry.
		 */
		private Duration initialDelay = Duration.ofSeconds(1);

		/**
		 * Longest delay between retries; each failure doubles the delay up to it.
		 */
		private Duration maxDelay = Duration.ofSeconds(30);

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

	/**
	 * When the relay's health indicator reports a problem.
	 */
	public static class Health {

		/**
		 * WAL kept by the replication slot above which the health shows a warning.
		 */
		private DataSize retainedWalWarning = DataSize.ofGigabytes(1);

		/**
		 * WAL kept by the replication slot above which the health is DOWN. Keep it below
		 * PostgreSQL's max_slot_wal_keep_size and the free disk.
		 */
		private DataSize retainedWalDown = DataSize.ofGigabytes(8);

		/**
		 * How long the relay may fail, or the slot go unread, before the health is DOWN: long
		 * enough for a restart or a fail-over between instances.
		 */
		private Duration gracePeriod = Duration.ofMinutes(1);

		public DataSize getRetainedWalWarning() {
			return this.retainedWalWarning;
		}

		public void setRetainedWalWarning(DataSize retainedWalWarning) {
			this.retainedWalWarning = retainedWalWarning;
		}

		public DataSize getRetainedWalDown() {
			return this.retainedWalDown;
		}

		public void setRetainedWalDown(DataSize retainedWalDown) {
			this.retainedWalDown = retainedWalDown;
		}

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

	}

}
