package io.github.outbox.relay;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.debezium.embedded.KafkaConnectUtil;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;
import org.apache.kafka.connect.util.TopicAdmin;
import org.jspecify.annotations.Nullable;

/**
 * Kafka Connect's offset store in a compacted topic, as Debezium's engine builds it, except
 * that stopping it also closes its admin client. The engine's own leaves one Kafka admin client
 * running for every engine run, which keeps reconnecting after Kafka is gone. Public only
 * because the engine instantiates it by name.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class RelayOffsetStore extends KafkaOffsetBackingStore {

	private final LazyAdmin admin;

	public RelayOffsetStore() {
		this(new LazyAdmin());
	}

	private RelayOffsetStore(LazyAdmin admin) {
		super(admin, admin::clientIdBase, KafkaConnectUtil.converterForOffsetStore());
		this.admin = admin;
	}

	@Override
	public void configure(WorkerConfig config) {
		this.admin.configure(config.originals());
		super.configure(config);
	}

	@Override
	public void stop() {
		try {
			super.stop();
		}
		finally {
			this.admin.close();
		}
	}

	/**
	 * The admin client, created from the engine's configuration once it is known.
	 */
	private static final class LazyAdmin implements Supplier<TopicAdmin> {

		private String clientIdBase = "outbox-relay-";

		private @Nullable SharedTopicAdmin admin;

		void configure(Map<String, Object> engineConfig) {
			// Named after the slot, so that each relay's clients are told apart.
			this.clientIdBase = "outbox-relay-" + engineConfig.getOrDefault("slot.name", "outbox") + "-";
			Map<String, Object> adminConfig = new HashMap<>(engineConfig);
			adminConfig.put(CommonClientConfigs.CLIENT_ID_CONFIG, this.clientIdBase + "admin");
			this.admin = new SharedTopicAdmin(adminConfig);
		}

		String clientIdBase() {
			return this.clientIdBase;
		}

		@Override
		public TopicAdmin get() {
			if (this.admin == null) {
				throw new IllegalStateException("The offset store is not configured");
			}
			return this.admin.get();
		}

		void close() {
			if (this.admin != null) {
				this.admin.close();
			}
		}

	}

}
