package io.github.outbox.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.outbox.soak.Fault.Kind;

/**
 * What a soak run does: the load, the faults in order, and the pauses between them.
 *
 * @param name the profile's name
 * @param writers concurrent writers
 * @param transactionsPerSecond the business transactions per second they send, in total
 * @param eventsPerTransaction events each transaction publishes
 * @param warmUp load before the first fault
 * @param gap load between a fault's end and the next fault
 * @param faults the faults, in order
 * @param walSenderTimeout PostgreSQL's {@code wal_sender_timeout}
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
record SoakSettings(String name, int writers, int transactionsPerSecond, int eventsPerTransaction, Duration warmUp,
		Duration gap, List<Fault> faults, Duration walSenderTimeout) {

	static final String ORDERS = "orders";

	static final String PAYMENTS = "payments";

	/**
	 * The soak in every build: a few thousand events, one kill -9, one Kafka cut, one
	 * PostgreSQL restart, two services on one broker and one server.
	 */
	static SoakSettings smoke() {
		return new SoakSettings("smoke", 8, 120, 1, Duration.ofSeconds(10), Duration.ofSeconds(12),
				// The killed instance comes back after the standby has had its ten seconds to take over.
				List.of(Fault.on(Kind.KILL_LEADER, ORDERS, Duration.ofSeconds(12)),
						Fault.of(Kind.KAFKA_CUT, Duration.ofSeconds(8)),
						Fault.of(Kind.POSTGRES_FAST_RESTART, Duration.ZERO)),
				Duration.ofSeconds(10));
	}

	/**
	 * The full soak (docs/reliability.md): over a million events and every fault of the
	 * schedule, at least ten kills among them.
	 */
	static SoakSettings full() {
		List<Fault> faults = new ArrayList<>();
		// A killed instance comes back after the standby has had its ten seconds to take over.
		Duration down = Duration.ofSeconds(12);
		for (int round = 0; round < 2; round++) {
			faults.add(Fault.on(Kind.KILL_LEADER, ORDERS, down));
			faults.add(Fault.of(Kind.KAFKA_STOP, Duration.ofSeconds(5)));
			faults.add(Fault.on(Kind.KILL_LEADER, ORDERS, down));
			faults.add(Fault.on(Kind.FREEZE_LEADER, ORDERS, Duration.ofSeconds(20)));
			faults.add(Fault.on(Kind.KILL_LEADER, PAYMENTS, down));
			faults.add(Fault.of(Kind.POSTGRES_FAST_RESTART, Duration.ZERO));
			faults.add(Fault.on(Kind.KILL_LEADER, ORDERS, down));
			faults.add(Fault.of(Kind.KAFKA_CUT, Duration.ofSeconds(15)));
			faults.add(Fault.on(Kind.GRACEFUL_RESTART, ORDERS, Duration.ZERO));
			faults.add(Fault.of(Kind.POSTGRES_IMMEDIATE_RESTART, Duration.ZERO));
			faults.add(Fault.on(Kind.KILL_LEADER, ORDERS, down));
			faults.add(Fault.of(Kind.CONSUMER_RESTART, Duration.ofSeconds(10)));
		}
		// Longer than the server's wal_sender_timeout (10 s), which cut a waiting relay off before
		// the relay turned it off for its own connections.
		faults.add(Fault.of(Kind.KAFKA_STOP, Duration.ofSeconds(30)));
		// 25 s between faults: with take-overs of a few seconds, 15 s made 0.94 million events.
		return new SoakSettings("full", 32, 260, 4, Duration.ofSeconds(30), Duration.ofSeconds(25), faults,
				Duration.ofSeconds(10));
	}

	/**
	 * The full run's load with only its faults on the relaying instance (four kills, two
	 * freezes): a few minutes to measure the take-over, step by step in the standby's log.
	 */
	static SoakSettings takeOver() {
		Duration down = Duration.ofSeconds(12);
		List<Fault> faults = List.of(Fault.on(Kind.KILL_LEADER, ORDERS, down),
				Fault.on(Kind.FREEZE_LEADER, ORDERS, Duration.ofSeconds(20)), Fault.on(Kind.KILL_LEADER, ORDERS, down),
				Fault.on(Kind.KILL_LEADER, ORDERS, down), Fault.on(Kind.FREEZE_LEADER, ORDERS, Duration.ofSeconds(20)),
				Fault.on(Kind.KILL_LEADER, ORDERS, down));
		return new SoakSettings("take-over", 32, 260, 4, Duration.ofSeconds(30), Duration.ofSeconds(15), faults,
				Duration.ofSeconds(10));
	}

	/**
	 * No faults: what the topology sustains on this machine, to size the full run's load.
	 */
	static SoakSettings capacity() {
		return new SoakSettings("capacity", 24, 600, 2, Duration.ofSeconds(60), Duration.ZERO, List.of(),
				Duration.ofSeconds(10));
	}

	static SoakSettings named(String profile) {
		return switch (profile) {
			case "smoke" -> smoke();
			case "full" -> full();
			case "take-over" -> takeOver();
			case "capacity" -> capacity();
			default -> throw new IllegalArgumentException(
					"Unknown soak profile '" + profile + "': use smoke, full, take-over or capacity");
		};
	}

}
