package io.github.outbox.benchmarks;

import java.time.Duration;
import java.util.Map;

import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How fast the embedded relay empties a backlog: events are committed, one per transaction,
 * while no relay runs; then a service with the relay starts, and the time to Kafka's
 * acknowledgement of the last event is measured from its start, from the first delivery, and
 * from the delivery of the first fifth of the backlog (the relay's steady rate: start-up,
 * the engine's first batches and the ramp of the producer left out).
 */
final class RelayDrain {

	private final Services services;

	RelayDrain(Services services) {
		this.services = services;
	}

	/**
	 * Drains a backlog.
	 * @param backlog the number of events
	 * @param writers the threads writing the backlog
	 * @return events per second from the relay's start, from its first delivery, and over the
	 * last four fifths of the backlog
	 */
	Result measure(int backlog, int writers) throws InterruptedException {
		Database database = this.services.database("drain");
		try (ConfigurableApplicationContext writer = this.services.start(database, false, Map.of())) {
			new JdbcTemplate(database.dataSource()).queryForObject("SELECT pg_create_logical_replication_slot(?, 'pgoutput')",
					Object.class, Services.slotName(database));
			Orders orders = new Orders(writer);
			Thread[] threads = new Thread[writers];
			for (int i = 0; i < writers; i++) {
				int share = backlog / writers + ((i < backlog % writers) ? 1 : 0);
				threads[i] = new Thread(() -> {
					for (int n = 0; n < share; n++) {
						orders.place();
					}
				});
				threads[i].start();
			}
			for (Thread thread : threads) {
				thread.join();
			}
		}
		long start = System.nanoTime();
		try (ConfigurableApplicationContext relay = this.services.start(database, true, Map.of())) {
			MeterRegistry meters = relay.getBean(MeterRegistry.class);
			long first = 0;
			long fifth = 0;
			long deadline = start + Duration.ofMinutes(10).toNanos();
			while (delivered(meters) < backlog) {
				double delivered = delivered(meters);
				if (first == 0 && delivered > 0) {
					first = System.nanoTime();
				}
				if (fifth == 0 && delivered >= backlog / 5.0) {
					fifth = System.nanoTime();
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The relay delivered " + delivered(meters) + " of " + backlog
							+ " events in 10 minutes");
				}
				Thread.sleep(5);
			}
			long end = System.nanoTime();
			first = (first != 0) ? first : start;
			fifth = (fifth != 0) ? fifth : first;
			return new Result(backlog / ((end - start) / 1e9), backlog / ((end - first) / 1e9),
					(backlog * 0.8) / (Math.max(end - fifth, 1) / 1e9));
		}
	}

	private static double delivered(MeterRegistry meters) {
		Counter counter = meters.find("outbox.relay.events.delivered").counter();
		return (counter != null) ? counter.count() : 0;
	}

	record Result(double fromStart, double fromFirstDelivery, double steady) {
	}

}
