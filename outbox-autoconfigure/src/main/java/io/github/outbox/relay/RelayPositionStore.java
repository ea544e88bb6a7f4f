package io.github.outbox.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.jspecify.annotations.Nullable;

/**
 * The Debezium engine's offset store, kept in the outbox database by
 * {@link RelayPositionTable}: Kafka Connect's in-memory store, loaded from the table when the
 * engine starts and written back each time the engine commits, as Kafka Connect's file store
 * does with its file. Public only because the engine instantiates it by name; the table it
 * writes to is handed over through {@link #register(RelayPositionTable)}.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class RelayPositionStore extends MemoryOffsetBackingStore {

	/**
	 * Engine property with the registration id of the table (Debezium prints it with its
	 * configuration: an id, not a table name).
	 */
	static final String TABLE = "outbox.relay.position-store.registration";

	private static final Map<String, RelayPositionTable> tables = new ConcurrentHashMap<>();

	private @Nullable RelayPositionTable table;

	/**
	 * Makes a table available to the store of the engine configured with the returned id as
	 * {@value #TABLE}.
	 * @param table the table
	 * @return its id
	 */
	static String register(RelayPositionTable table) {
		String id = UUID.randomUUID().toString();
		tables.put(id, table);
		return id;
	}

	static void unregister(String id) {
		tables.remove(id);
	}

	@Override
	public void configure(WorkerConfig config) {
		super.configure(config);
		String id = config.originalsStrings().get(TABLE);
		this.table = (id != null) ? tables.get(id) : null;
		if (this.table == null) {
			throw new IllegalStateException("No relay position table is registered under " + TABLE + "=" + id);
		}
	}

	@Override
	public synchronized void start() {
		super.start();
		table().load().forEach((key, value) -> this.data.put(bytes(key), bytes(value)));
	}

	@Override
	protected void save() {
		Map<String, @Nullable String> offsets = new HashMap<>();
		this.data.forEach((key, value) -> offsets.put(string(key), (value != null) ? string(value) : null));
		table().save(offsets);
	}

	@Override
	public Set<Map<String, Object>> connectorPartitions(String connectorName) {
		return Set.of();
	}

	private RelayPositionTable table() {
		if (this.table == null) {
			throw new IllegalStateException("The relay position store is not configured");
		}
		return this.table;
	}

	private static @Nullable ByteBuffer bytes(@Nullable String text) {
		return (text != null) ? ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)) : null;
	}

	private static String string(ByteBuffer bytes) {
		return StandardCharsets.UTF_8.decode(bytes.asReadOnlyBuffer()).toString();
	}

}
