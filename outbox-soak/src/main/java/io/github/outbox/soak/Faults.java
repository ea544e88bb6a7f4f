package io.github.outbox.soak;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.outbox.soak.Fault.Injected;
import io.github.outbox.soak.topology.KafkaBroker;
import io.github.outbox.soak.topology.PostgresServer;
import io.github.outbox.soak.topology.ServiceInstance;

/**
 * Injects the soak's faults into the running topology, one at a time, and lifts them.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
final class Faults {

	private static final Duration START = Duration.ofMinutes(3);

	private final Map<String, List<ServiceInstance>> services;

	private final PostgresServer postgres;

	private final KafkaBroker kafka;

	private final RecordLog records;

	Faults(Map<String, List<ServiceInstance>> services, PostgresServer postgres, KafkaBroker kafka, RecordLog records) {
		this.services = services;
		this.postgres = postgres;
		this.kafka = kafka;
		this.records = records;
	}

	Injected inject(Fault fault) throws Exception {
		ServiceInstance leader = (fault.service() != null)
				? SoakRun.leader(this.services.get(fault.service()), Duration.ofMinutes(2)) : null;
		long started = System.currentTimeMillis();
		String target = (leader != null) ? leader.name() : switch (fault.kind()) {
			case POSTGRES_FAST_RESTART, POSTGRES_IMMEDIATE_RESTART -> "PostgreSQL";
			case CONSUMER_RESTART -> "independent consumer";
			default -> "Kafka";
		};
		switch (fault.kind()) {
			case KILL_LEADER -> {
				leader.kill();
				Thread.sleep(fault.duration().toMillis());
				leader.start(START);
			}
			case FREEZE_LEADER -> {
				leader.freeze();
				// The leader runs until kill -STOP has returned, which takes a process start: the
				// fault starts then, or records it sent meanwhile would count as the standby's.
				started = System.currentTimeMillis();
				Thread.sleep(fault.duration().toMillis());
				leader.thaw();
			}
			case GRACEFUL_RESTART -> {
				leader.stop();
				leader.start(START);
			}
			case POSTGRES_FAST_RESTART -> this.postgres.restart("fast");
			case POSTGRES_IMMEDIATE_RESTART -> this.postgres.restart("immediate");
			case KAFKA_STOP -> {
				this.kafka.stopBroker();
				Thread.sleep(fault.duration().toMillis());
				this.kafka.startBroker();
			}
			case KAFKA_CUT -> {
				this.kafka.cut();
				Thread.sleep(fault.duration().toMillis());
				this.kafka.restore();
			}
			case CONSUMER_RESTART -> {
				this.records.stop();
				Thread.sleep(fault.duration().toMillis());
				this.records.start();
			}
		}
		return new Injected(fault, target, started, System.currentTimeMillis());
	}

}
