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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.outbox.devservices.EmbeddedKafkaServer;
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
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Runs the lab's experiments: a steady workload of orders placed and cancelled, the faults
 * fired at the sample's own servers and components, and the record log the verdict reads.
 * One experiment at a time; starting one ends the previous.
 */
class FailureLab implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(FailureLab.class);

	static final String TOPIC = "outbox.event.order";

	private static final String RELAY_LOCK = "io.github.outbox.relay";

	private final OrderService orders;

	private final JdbcTemplate jdbc;

	private final AuditLog auditLog;

	private final ConsumerFactory<?, ?> consumers;

	private final KafkaListenerEndpointRegistry listeners;

	private final KafkaAdmin kafkaAdmin;

	private final ApplicationContext context;

	private final @Nullable EmbeddedKafkaServer kafka;

	private final MeterRegistry meters;

	private final String slotName;

	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, (task) -> {
		Thread thread = new Thread(task, "failure-lab");
		thread.setDaemon(true);
		return thread;
	});

	private final ExecutorService burst = Executors.newFixedThreadPool(4, (task) -> {
		Thread thread = new Thread(task, "failure-lab-burst");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable Experiment experiment;

	FailureLab(OrderService orders, JdbcTemplate jdbc, AuditLog auditLog, ConsumerFactory<?, ?> consumers,
			KafkaListenerEndpointRegistry listeners, KafkaAdmin kafkaAdmin, ApplicationContext context,
			@Nullable EmbeddedKafkaServer kafka, MeterRegistry meters, String slotName) {
		this.orders = orders;
		this.jdbc = jdbc;
		this.auditLog = auditLog;
		this.consumers = consumers;
		this.listeners = listeners;
		this.kafkaAdmin = kafkaAdmin;
		this.context = context;
		this.kafka = kafka;
		this.meters = meters;
		this.slotName = slotName;
		this.scheduler.scheduleWithFixedDelay(this::sample, 1, 1, TimeUnit.SECONDS);
	}

	List<LabFault> faults() {
		List<LabFault> faults = new ArrayList<>(List.of(LabFault.values()));
		if (this.kafka == null) {
			faults.remove(LabFault.KAFKA_OUTAGE);
		}
		return faults;
	}

	synchronized Experiment start() {
		Experiment previous = this.experiment;
		if (previous != null) {
			previous.close();
		}
		// The record log is positioned first: every event written after the start reaches it.
		RecordLog records = new RecordLog(this.consumers, TOPIC);
		Experiment started = new Experiment(System.currentTimeMillis(), records, skippedDuplicates());
		this.experiment = started;
		this.scheduler.execute(() -> steadyWorkload(started));
		logger.info("Failure lab: experiment started");
		return started;
	}

	synchronized void stop() {
		Experiment experiment = this.experiment;
		if (experiment != null) {
			experiment.close();
		}
	}

	@Nullable Experiment experiment() {
		return this.experiment;
	}

	synchronized FaultRun fire(LabFault fault) {
		Experiment experiment = this.experiment;
		if (experiment == null || experiment.closed()) {
			experiment = start();
		}
		FaultRun run = new FaultRun(fault, System.currentTimeMillis(), skippedDuplicates(), this.auditLog.failures());
		experiment.faults.add(run);
		logger.info("Failure lab: {}", fault.label);
		switch (fault) {
			case KAFKA_OUTAGE -> {
				requireKafka().disconnect();
				later(Duration.ofSeconds(20), () -> {
					requireKafka().reconnect();
					run.end();
				});
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
			case RELAY_STOPPED -> {
				Lifecycle relay = this.context.getBean("outboxRelay", Lifecycle.class);
				relay.stop();
				later(Duration.ofSeconds(60), () -> {
					relay.start();
					run.end();
				});
			}
			case REDELIVER -> {
				Map<TopicPartition, OffsetAndMetadata> before = redeliver(500);
				endWhenCaughtUp(run, before, System.currentTimeMillis() + 60_000);
			}
			case CONSUMER_FAILING -> {
				this.auditLog.failNext(5);
				later(Duration.ofSeconds(15), run::end);
			}
			case BURST -> this.scheduler.execute(() -> {
				burst(5_000);
				run.end();
			});
		}
		return run;
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
		while (!experiment.closed()) {
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
				experiment.failedWrites.incrementAndGet();
				logger.debug("Failure lab: a write of the workload failed", ex);
			}
		}
	}

	private void burst(int ordersToWrite) {
		int threads = 4;
		List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			writers.add(this.burst.submit(() -> {
				for (int i = 0; i < ordersToWrite / threads; i++) {
					Order order = this.orders.place("burst", BigDecimal.TEN, null);
					this.orders.cancel(order.getId(), "burst");
				}
			}));
		}
		for (java.util.concurrent.Future<?> writer : writers) {
			try {
				writer.get();
			}
			catch (Exception ex) {
				logger.warn("Failure lab: a burst writer failed", ex);
			}
		}
	}

	// The fault lasts until the audit log has read again every record it was sent back over.
	private void endWhenCaughtUp(FaultRun run, Map<TopicPartition, OffsetAndMetadata> before, long deadline) {
		later(Duration.ofSeconds(1), () -> {
			boolean caughtUp = committed().entrySet()
				.stream()
				.allMatch((entry) -> !before.containsKey(entry.getKey())
						|| entry.getValue().offset() >= before.get(entry.getKey()).offset());
			if (caughtUp || System.currentTimeMillis() > deadline) {
				run.end();
			}
			else {
				endWhenCaughtUp(run, before, deadline);
			}
		});
	}

	private Map<TopicPartition, OffsetAndMetadata> committed() {
		try (Admin admin = Admin.create(this.kafkaAdmin.getConfigurationProperties())) {
			return admin.listConsumerGroupOffsets(AuditLog.CONSUMER)
				.partitionsToOffsetAndMetadata()
				.get(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Map.of();
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
		container.stop();
		try (Admin admin = Admin.create(this.kafkaAdmin.getConfigurationProperties())) {
			Map<TopicPartition, OffsetAndMetadata> committed = committed();
			long perPartition = Math.max(1, records / Math.max(1, committed.size()));
			Map<TopicPartition, OffsetAndMetadata> back = new HashMap<>();
			committed.forEach((partition, offset) -> back.put(partition,
					new OffsetAndMetadata(Math.max(0, offset.offset() - perPartition))));
			admin.alterConsumerGroupOffsets(AuditLog.CONSUMER, back).all().get(10, TimeUnit.SECONDS);
			return committed;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Map.of();
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

	private EmbeddedKafkaServer requireKafka() {
		if (this.kafka == null) {
			throw new IllegalStateException("Kafka outages need the dev services' broker");
		}
		return this.kafka;
	}

	private void later(Duration delay, Runnable task) {
		this.scheduler.schedule(() -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Failure lab: ending a fault failed", ex);
			}
		}, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void destroy() {
		Experiment experiment = this.experiment;
		if (experiment != null) {
			experiment.close();
		}
		this.scheduler.shutdownNow();
		this.burst.shutdownNow();
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

		private volatile boolean closed;

		Experiment(long startedAt, RecordLog records, double skippedAtStart) {
			this.startedAt = startedAt;
			this.records = records;
			this.skippedAtStart = skippedAtStart;
		}

		boolean closed() {
			return this.closed;
		}

		void close() {
			this.closed = true;
			this.records.close();
		}

	}

}
