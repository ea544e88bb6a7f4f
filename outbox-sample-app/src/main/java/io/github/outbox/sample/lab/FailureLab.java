package io.github.outbox.sample.lab;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.sample.order.Order;
import io.github.outbox.sample.order.OrderService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Runs the lab's experiments: a steady workload of orders placed and cancelled, the faults
 * fired at the sample's own servers and components, and the record log the verdict reads.
 * One experiment at a time; starting one ends the previous. One fault of each kind at a time.
 */
class FailureLab implements SmartLifecycle, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(FailureLab.class);

	static final String TOPIC = "outbox.event.order";

	// The relay's advisory lock: AdvisoryLock("io.github.outbox.relay", slot name) in the starter.
	private static final String RELAY_LOCK = "io.github.outbox.relay";

	private final OrderService orders;

	private final JdbcTemplate jdbc;

	private final AuditLog auditLog;

	private final ConsumerFactory<?, ?> consumers;

	private final KafkaListenerEndpointRegistry listeners;

	private final Admin admin;

	private final @Nullable Lifecycle relay;

	private final @Nullable EmbeddedKafkaServer kafka;

	private final @Nullable EmbeddedPostgresServer postgres;

	private final MeterRegistry meters;

	private final String slotName;

	// Timers only: what ends faults, and the WAL sampling. Nothing here blocks for long.
	private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("failure-lab"));

	// The workload, the burst's writers and the slow faults (a restart).
	private final ExecutorService work = Executors.newCachedThreadPool(daemon("failure-lab-work"));

	private volatile @Nullable Experiment experiment;

	private volatile boolean running;

	FailureLab(OrderService orders, JdbcTemplate jdbc, AuditLog auditLog, ConsumerFactory<?, ?> consumers,
			KafkaListenerEndpointRegistry listeners, KafkaAdmin kafkaAdmin, @Nullable Lifecycle relay,
			@Nullable EmbeddedKafkaServer kafka, @Nullable EmbeddedPostgresServer postgres, MeterRegistry meters,
			String slotName) {
		this.orders = orders;
		this.jdbc = jdbc;
		this.auditLog = auditLog;
		this.consumers = consumers;
		this.listeners = listeners;
		this.admin = Admin.create(kafkaAdmin.getConfigurationProperties());
		this.relay = relay;
		this.kafka = kafka;
		this.postgres = postgres;
		this.meters = meters;
		this.slotName = slotName;
		this.timers.scheduleWithFixedDelay(this::sample, 1, 1, TimeUnit.SECONDS);
	}

	List<LabFault> faults() {
		List<LabFault> faults = new ArrayList<>(List.of(LabFault.values()));
		if (this.kafka == null || !this.kafka.hasOutageSwitch()) {
			faults.remove(LabFault.KAFKA_OUTAGE);
		}
		if (this.postgres == null) {
			faults.remove(LabFault.POSTGRES_RESTART);
		}
		if (this.relay == null) {
			faults.remove(LabFault.RELAY_STOPPED);
		}
		return faults;
	}

	synchronized Experiment startExperiment() {
		stopExperiment();
		Experiment previous = this.experiment;
		if (previous != null) {
			previous.records.close();
		}
		// The record log is positioned first: every event written after the start reaches it.
		RecordLog records = new RecordLog(this.consumers, TOPIC);
		Experiment started = new Experiment(System.currentTimeMillis(), records, skippedDuplicates());
		started.workload = this.work.submit(() -> steadyWorkload(started));
		this.experiment = started;
		logger.info("Failure lab: experiment started");
		return started;
	}

	// The workload stops before this returns: nothing is written after it. The record log reads
	// on, so that the verdict of the stopped experiment stays right.
	synchronized void stopExperiment() {
		Experiment experiment = this.experiment;
		if (experiment != null && !experiment.stopped()) {
			experiment.stop();
			Future<?> workload = experiment.workload;
			try {
				if (workload != null) {
					workload.get(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (Exception ex) {
				logger.warn("Failure lab: the workload did not stop cleanly", ex);
			}
			experiment.stoppedAt = System.currentTimeMillis();
			logger.info("Failure lab: experiment stopped");
		}
	}

	@Nullable Experiment experiment() {
		return this.experiment;
	}

	static final int KAFKA_OUTAGE_SECONDS = 20;

	/**
	 * Fires a fault.
	 * @param fault the fault
	 * @param seconds how long a Kafka outage lasts (1 to 600), or {@code null} for 20 s
	 * @return the fault as fired
	 */
	synchronized FaultRun fire(LabFault fault, @Nullable Integer seconds) {
		int duration = 0;
		if (fault == LabFault.KAFKA_OUTAGE) {
			duration = (seconds != null) ? seconds : KAFKA_OUTAGE_SECONDS;
			if (duration < 1 || duration > 600) {
				throw new IllegalArgumentException("A Kafka outage lasts 1 to 600 seconds, not " + duration);
			}
		}
		if (!faults().contains(fault)) {
			throw new IllegalStateException(fault.label + " needs the dev services' embedded server");
		}
		Experiment experiment = this.experiment;
		if (experiment == null || experiment.stopped()) {
			experiment = startExperiment();
		}
		if (experiment.faults.stream().anyMatch((run) -> run.fault == fault && run.active())) {
			throw new IllegalStateException(fault.label + " is still going on: wait for it to end");
		}
		FaultRun run = new FaultRun(fault, duration, System.currentTimeMillis(), skippedDuplicates(),
				this.auditLog.failures());
		logger.info("Failure lab: {}", run.label());
		inject(run);
		// Only a fault that was fired counts.
		experiment.faults.add(run);
		return run;
	}

	private void inject(FaultRun run) {
		switch (run.fault) {
			case KAFKA_OUTAGE -> {
				EmbeddedKafkaServer kafka = this.kafka;
				kafka.disconnect();
				later(Duration.ofSeconds(run.seconds), run, kafka::reconnect);
			}
			case RELAY_CRASH -> {
				this.jdbc.queryForList("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
						+ "WHERE slot_name = ? AND active_pid IS NOT NULL", this.slotName);
				run.end();
			}
			case LEADERSHIP_LOST -> {
				this.jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
						+ "AND granted AND objsubid = 2 AND database = (SELECT oid FROM pg_database "
						+ "WHERE datname = current_database()) AND classid = (hashtext(?)::bigint & 4294967295)::oid "
						+ "AND objid = (hashtext(?)::bigint & 4294967295)::oid", RELAY_LOCK, this.slotName);
				run.end();
			}
			case POSTGRES_RESTART -> {
				EmbeddedPostgresServer postgres = this.postgres;
				this.work.execute(() -> ending(run, () -> postgres.restart(EmbeddedPostgresServer.Shutdown.FAST)));
			}
			case RELAY_STOPPED -> {
				Lifecycle relay = this.relay;
				relay.stop();
				later(Duration.ofSeconds(60), run, relay::start);
			}
			case REDELIVER -> {
				Map<TopicPartition, OffsetAndMetadata> before = redeliver(500);
				endWhenCaughtUp(run, before, System.currentTimeMillis() + 60_000);
			}
			case CONSUMER_FAILING -> {
				this.auditLog.failNext(5);
				later(Duration.ofSeconds(15), run, () -> {
				});
			}
			case BURST -> this.work.execute(() -> ending(run, () -> burst(5_000)));
		}
	}

	void useInbox(boolean on) {
		this.auditLog.useInbox(on);
	}

	long failures() {
		return this.auditLog.failures();
	}

	boolean usesInbox() {
		return this.auditLog.usesInbox();
	}

	double skippedDuplicates() {
		Counter counter = this.meters.find("outbox.inbox.duplicates").tag("consumer", AuditLog.CONSUMER).counter();
		return (counter != null) ? counter.count() : 0;
	}

	// Orders placed and cancelled back to back from one thread: one order's events are written
	// in sequence, as a user's requests would write them.
	private void steadyWorkload(Experiment experiment) {
		Order previous = null;
		while (!experiment.stopped()) {
			try {
				Order placed = this.orders.place("lab", new BigDecimal("19.90"), null);
				if (previous != null) {
					this.orders.cancel(previous.getId(), "lab");
				}
				previous = (previous == null) ? placed : null;
				experiment.written.incrementAndGet();
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				// A write refused while PostgreSQL restarts: nothing committed, neither row nor event.
				experiment.failedWrites.incrementAndGet();
				logger.debug("Failure lab: a write of the workload failed", ex);
			}
		}
	}

	private void burst(int ordersToWrite) {
		int threads = 4;
		List<Future<?>> writers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			writers.add(this.work.submit(() -> {
				for (int i = 0; i < ordersToWrite / threads; i++) {
					Order order = this.orders.place("burst", BigDecimal.TEN, null);
					this.orders.cancel(order.getId(), "burst");
				}
			}));
		}
		for (Future<?> writer : writers) {
			try {
				writer.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				logger.warn("Failure lab: a burst writer failed", ex);
			}
		}
	}

	// The fault lasts until the audit log has read again every record it was sent back over.
	private void endWhenCaughtUp(FaultRun run, Map<TopicPartition, OffsetAndMetadata> before, long deadline) {
		this.timers.schedule(() -> this.work.execute(() -> {
			try {
				Map<TopicPartition, OffsetAndMetadata> now = committed();
				boolean caughtUp = before.entrySet()
					.stream()
					.allMatch((entry) -> now.containsKey(entry.getKey())
							&& now.get(entry.getKey()).offset() >= entry.getValue().offset());
				if (caughtUp || System.currentTimeMillis() > deadline) {
					run.end();
					return;
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Failure lab: reading the audit log's offsets failed", ex);
			}
			endWhenCaughtUp(run, before, deadline);
		}), 1, TimeUnit.SECONDS);
	}

	private Map<TopicPartition, OffsetAndMetadata> committed() {
		try {
			return this.admin.listConsumerGroupOffsets(AuditLog.CONSUMER)
				.partitionsToOffsetAndMetadata()
				.get(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while reading the audit log's offsets", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Reading the audit log's offsets failed: " + ex.getMessage(), ex);
		}
	}

	// Returns the offsets committed before they were moved back.
	private Map<TopicPartition, OffsetAndMetadata> redeliver(int records) {
		MessageListenerContainer container = this.listeners.getListenerContainer(AuditLog.CONSUMER);
		if (container == null) {
			throw new IllegalStateException("No listener container " + AuditLog.CONSUMER);
		}
		// Offsets of a group can only be moved while it has no member.
		container.stop();
		try {
			Map<TopicPartition, OffsetAndMetadata> committed = committed();
			long perPartition = Math.max(1, records / Math.max(1, committed.size()));
			Map<TopicPartition, OffsetAndMetadata> back = new HashMap<>();
			committed.forEach((partition, offset) -> back.put(partition,
					new OffsetAndMetadata(Math.max(0, offset.offset() - perPartition))));
			this.admin.alterConsumerGroupOffsets(AuditLog.CONSUMER, back).all().get(10, TimeUnit.SECONDS);
			return committed;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while moving the audit log's offsets back", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Moving the audit log's offsets back failed: " + ex.getMessage(), ex);
		}
		finally {
			container.start();
		}
	}

	private void sample() {
		Experiment experiment = this.experiment;
		Gauge wal = this.meters.find("outbox.relay.slot.retained.wal").gauge();
		if (experiment == null || wal == null || Double.isNaN(wal.value())) {
			return;
		}
		for (FaultRun run : experiment.faults) {
			if (run.active() || System.currentTimeMillis() - run.endedAt() < 5_000) {
				run.retainedWal(wal.value());
			}
		}
	}

	private void later(Duration delay, FaultRun run, Runnable ending) {
		this.timers.schedule(() -> this.work.execute(() -> ending(run, ending)), delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	// Runs what ends a fault; the fault ends whatever happens, so that no verdict waits forever.
	private static void ending(FaultRun run, Runnable action) {
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Failure lab: {} went wrong", run.label(), ex);
		}
		finally {
			run.end();
		}
	}

	private static java.util.concurrent.ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	@Override
	public void start() {
		this.running = true;
	}

	// Before everything else stops (the highest phase stops first): the workload must not write
	// on while the pools and the servers go away.
	@Override
	public void stop() {
		stopExperiment();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	@Override
	public void destroy() {
		stopExperiment();
		Experiment experiment = this.experiment;
		if (experiment != null) {
			experiment.records.close();
		}
		this.timers.shutdownNow();
		this.work.shutdownNow();
		this.admin.close(Duration.ofSeconds(1));
	}

	/**
	 * One experiment: from its start, what was written and read.
	 */
	static final class Experiment {

		final long startedAt;

		final RecordLog records;

		final double skippedAtStart;

		final List<FaultRun> faults = new CopyOnWriteArrayList<>();

		final AtomicLong written = new AtomicLong();

		final AtomicLong failedWrites = new AtomicLong();

		volatile @Nullable Future<?> workload;

		// When the workload stopped, or 0 while it runs.
		volatile long stoppedAt;

		private volatile boolean stopped;

		Experiment(long startedAt, RecordLog records, double skippedAtStart) {
			this.startedAt = startedAt;
			this.records = records;
			this.skippedAtStart = skippedAtStart;
		}

		boolean stopped() {
			return this.stopped;
		}

		void stop() {
			this.stopped = true;
		}

	}

}
