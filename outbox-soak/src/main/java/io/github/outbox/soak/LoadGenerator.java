package io.github.outbox.soak;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.github.outbox.soak.topology.ServiceInstance;

/**
 * Concurrent writers sending business transactions to the services' instances at a steady
 * rate: each takes a new order through a short life (placed, then paid and shipped, or
 * cancelled), one transaction per step, each step after the previous one answered. Every
 * answer is recorded; a step without an answer is recorded as ambiguous (it may have committed)
 * and ends that order's life.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
final class LoadGenerator {

	private static final List<List<String>> LIVES = List.of(List.of("Placed"), List.of("Placed", "Paid"),
			List.of("Placed", "Paid", "Shipped"), List.of("Placed", "Cancelled"));

	private final Map<String, List<ServiceInstance>> services;

	private final int writers;

	private final long nanosPerTransaction;

	private final AtomicLong nextSlot = new AtomicLong();

	private final ConcurrentLinkedQueue<Step> log = new ConcurrentLinkedQueue<>();

	private final AtomicLong committed = new AtomicLong();

	private final AtomicLong ambiguous = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	private final int eventsPerTransaction;

	LoadGenerator(Map<String, List<ServiceInstance>> services, int writers, int transactionsPerSecond,
			int eventsPerTransaction) {
		this.services = services;
		this.eventsPerTransaction = eventsPerTransaction;
		this.writers = writers;
		this.nanosPerTransaction = 1_000_000_000L / transactionsPerSecond;
	}

	void start() {
		this.nextSlot.set(System.nanoTime());
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		List<String> names = List.copyOf(this.services.keySet());
		for (int i = 0; i < this.writers; i++) {
			Thread thread = new Thread(() -> write(client, names), "soak-writer-" + i);
			thread.setDaemon(true);
			thread.start();
			this.threads.add(thread);
		}
	}

	void stop() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join();
		}
	}

	List<Step> log() {
		return List.copyOf(this.log);
	}

	long committed() {
		return this.committed.get();
	}

	long ambiguous() {
		return this.ambiguous.get();
	}

	long refused() {
		return this.refused.get();
	}

	private void write(HttpClient client, List<String> names) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (this.running) {
			String service = names.get(random.nextInt(names.size()));
			String aggregateId = UUID.randomUUID().toString();
			for (String step : LIVES.get(random.nextInt(LIVES.size()))) {
				if (!this.running || !send(client, service, aggregateId, step)) {
					break;
				}
			}
		}
	}

	// Whether the step committed and the order's life may go on.
	private boolean send(HttpClient client, String service, String aggregateId, String step) {
		pace();
		ServiceInstance instance = pick(service);
		if (instance == null) {
			return false;
		}
		long at = System.currentTimeMillis();
		try {
			long seq = instance.step(client, aggregateId, step, this.eventsPerTransaction);
			this.committed.incrementAndGet();
			this.log.add(new Step(service, aggregateId, step, seq, Outcome.COMMITTED, at));
			return true;
		}
		catch (IOException | NumberFormatException ex) {
			this.ambiguous.incrementAndGet();
			this.log.add(new Step(service, aggregateId, step, 0, Outcome.AMBIGUOUS, at));
			return false;
		}
		catch (IllegalStateException ex) {
			this.refused.incrementAndGet();
			this.log.add(new Step(service, aggregateId, step, 0, Outcome.REFUSED, at));
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
			return false;
		}
	}

	private ServiceInstance pick(String service) {
		List<ServiceInstance> available = this.services.get(service).stream().filter(ServiceInstance::isAvailable).toList();
		if (available.isEmpty()) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return null;
		}
		return available.get(ThreadLocalRandom.current().nextInt(available.size()));
	}

	// A steady rate: each transaction takes the next slot; a writer waits for its slot, and a
	// writer that fell behind does not catch up in a burst.
	private void pace() {
		long now = System.nanoTime();
		long slot = this.nextSlot.getAndUpdate((next) -> Math.max(next, now - this.nanosPerTransaction) + this.nanosPerTransaction);
		long wait = slot - now;
		if (wait > 0) {
			java.util.concurrent.locks.LockSupport.parkNanos(wait);
		}
	}

	enum Outcome {

		/** Answered: committed. */
		COMMITTED,

		/** No answer: may or may not have committed; the database says which. */
		AMBIGUOUS,

		/** An error answer: rolled back. */
		REFUSED

	}

	/**
	 * One business transaction as the writer saw it.
	 */
	record Step(String service, String aggregateId, String step, long seq, Outcome outcome, long at) {
	}

}
