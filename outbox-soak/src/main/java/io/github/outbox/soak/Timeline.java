package io.github.outbox.soak;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

import io.github.outbox.soak.topology.PostgresServer;
import io.github.outbox.soak.topology.ServiceInstance;
import io.github.outbox.soak.topology.ServiceInstance.RelayState;

/**
 * Samples the pipeline every half second: each instance's relay health (as its Actuator
 * endpoint reports it), each slot's retained WAL and whether a reader is attached, and how many
 * records the independent consumer has seen.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
final class Timeline {

	private final List<ServiceInstance> instances;

	private final PostgresServer postgres;

	private final LongSupplier consumed;

	private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

	private volatile boolean running = true;

	private Thread thread;

	Timeline(List<ServiceInstance> instances, PostgresServer postgres, LongSupplier consumed) {
		this.instances = instances;
		this.postgres = postgres;
		this.consumed = consumed;
	}

	void start() {
		this.thread = new Thread(this::sample, "soak-timeline");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	void stop() throws InterruptedException {
		this.running = false;
		this.thread.join();
	}

	void stopQuietly() {
		this.running = false;
	}

	List<Sample> samples() {
		return List.copyOf(this.samples);
	}

	private void sample() {
		while (this.running) {
			long started = System.currentTimeMillis();
			Map<String, RelayState> health = new LinkedHashMap<>();
			for (ServiceInstance instance : this.instances) {
				health.put(instance.name(), instance.relayState());
			}
			this.samples.add(new Sample(started, health, slots(), this.consumed.getAsLong()));
			long rest = 500 - (System.currentTimeMillis() - started);
			if (rest > 0) {
				try {
					Thread.sleep(rest);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}
	}

	private Map<String, Slot> slots() {
		Map<String, Slot> slots = new LinkedHashMap<>();
		try (Connection connection = this.postgres.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT slot_name, active,"
						+ " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots")) {
			while (result.next()) {
				slots.put(result.getString(1), new Slot(result.getBoolean(2), result.getLong(3)));
			}
		}
		catch (SQLException ex) {
			// The server is restarting: no sample of the slots this time.
		}
		return slots;
	}

	/**
	 * One sample.
	 *
	 * @param at when it was taken
	 * @param health each instance's relay health, {@code null} where the instance did not answer
	 * @param slots each slot's state, empty while the server is away
	 * @param consumed how many records the independent consumer had seen
	 */
	record Sample(long at, Map<String, RelayState> health, Map<String, Slot> slots, long consumed) {
	}

	record Slot(boolean active, long retainedWalBytes) {
	}

}
