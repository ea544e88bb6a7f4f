package io.github.outbox.relay;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
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
	 * missing, before the first event can be written; events already in the outbox table are
	 * then replayed.
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

	/**
	 * How long stopping the relay may take: the batch in progress is acknowledged by Kafka and
	 * its position committed, unless Kafka does not answer in time.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(20);

	private final Offsets offsets = new Offsets();

	private final Failover failover = new Failover();

	private final Retry retry = new Retry();

	private final Health health = new Health();

	private final Monitor monitor = new Monitor();

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

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
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

	public Monitor getMonitor() {
		return this.monitor;
	}

	public Map<String, String> getDebezium() {
		return this.debezium;
	}

	/**
	 * How often the relay records its position. The position is kept in the outbox database
	 * ({@code outbox.table.relay-position}), next to its slot.
	 */
	public static class Offsets {

		/**
		 * Compacted Kafka topic that held the relay's position in earlier builds; no longer
		 * read or written.
		 */
		private @Nullable String topic;

		/**
		 * Replication factor of the Kafka topic that held the relay's position in earlier
		 * builds; no longer used.
		 */
		private @Nullable Short replicationFactor;

		/**
		 * How often the position of acknowledged events is committed. Bounds the events sent
		 * again after a crash.
		 */
		private Duration flushInterval = Duration.ofSeconds(1);

		/**
		 * Compacted Kafka topic that held the relay's position in earlier builds.
		 * @return the topic
		 * @deprecated the position is kept in the outbox database
		 */
		@Deprecated(since = "0.1.0", forRemoval = true)
		@DeprecatedConfigurationProperty(reason = "The relay keeps its position in the outbox database, next to its "
				+ "slot, so that services sharing a Kafka cluster cannot pick up each other's position; an upgraded "
				+ "relay resumes from its slot.", since = "0.1.0")
		public @Nullable String getTopic() {
			return this.topic;
		}

		@Deprecated(since = "0.1.0", forRemoval = true)
		public void setTopic(@Nullable String topic) {
			this.topic = topic;
		}

		/**
		 * Replication factor of the Kafka topic that held the relay's position in earlier builds.
		 * @return the replication factor
		 * @deprecated the position is kept in the outbox database
		 */
		@Deprecated(since = "0.1.0", forRemoval = true)
		@DeprecatedConfigurationProperty(reason = "The relay keeps its position in the outbox database.",
				since = "0.1.0")
		public @Nullable Short getReplicationFactor() {
			return this.replicationFactor;
		}

		@Deprecated(since = "0.1.0", forRemoval = true)
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
		 * How often the relaying instance checks that it still holds the relay (which renews
		 * its lease), and how long each attempt of a standing-by instance waits for it in
		 * PostgreSQL's lock queue (it takes over the moment the relaying instance's session ends).
		 */
		private Duration checkInterval = Duration.ofSeconds(1);

		/**
		 * How long the relaying instance may go unheard (a frozen process, a long pause, a lost
		 * network) before PostgreSQL ends its session, and with it the relay lock, so that
		 * another instance takes over; the relaying instance's own lock connection gives up on
		 * an answer after the lease plus the check interval, so that an instance cut off from
		 * the server stops relaying. Needs PostgreSQL 14 or later (idle_session_timeout). Keep it
		 * well above the check interval.
		 */
		private Duration lease = Duration.ofSeconds(5);

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

	}

	/**
	 * How the relay tries again after a failure: the Debezium engine is started again, and a
	 * missing topic created again, after a delay that grows with each failure.
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
		 * How long the relay may fail, Kafka go without acknowledging, or the slot go unread or
		 * without progress, before the health is DOWN: long enough for a restart or a fail-over
		 * between instances.
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

	/**
	 * How the relay's replication slot is watched, for the health and the metrics.
	 */
	public static class Monitor {

		/**
		 * Whether to watch the relay's replication slot (health and metrics) in an instance
		 * that does not run the embedded relay, as where Kafka Connect or Debezium Server
		 * relays. Always on where the embedded relay runs.
		 */
		private boolean enabled;

		/**
		 * How often the slot's state is read.
		 */
		private Duration interval = Duration.ofSeconds(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

}
