package io.github.outbox.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;
import java.util.regex.Pattern;

import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Time from a business transaction's commit returning to a consumer receiving its event, at
 * a steady offered load: writer threads place orders on a fixed schedule, each event numbered
 * in a header; a consumer in the same JVM notes when each number arrives.
 */
final class EndToEndLatency {

	static final String SEQUENCE_HEADER = "bench-seq";

	private static final int WRITERS = 8;

	private final Services services;

	private final Duration warmUp;

	private final Duration duration;

	EndToEndLatency(Services services, Duration warmUp, Duration duration) {
		this.services = services;
		this.warmUp = warmUp;
		this.duration = duration;
	}

	/**
	 * Measures at one offered load.
	 * @param rate events per second offered
	 * @param modulith whether Spring Modulith publishes the events instead of the outbox
	 * @return the latencies of the events after the warm-up, and the rate achieved
	 */
	Result measure(int rate, boolean modulith) throws InterruptedException {
		Database database = this.services.database("latency");
		try (ConfigurableApplicationContext service = modulith ? this.services.startModulith(database)
				: this.services.start(database, true, Map.of());
				Receiver receiver = new Receiver(this.services.bootstrapServers(),
						Pattern.compile(Pattern.quote(Services.topicPrefix(database)) + ".*"))) {
			Orders orders = new Orders(service);
			ObjLongConsumer<Orders> place = modulith ? Orders::placeNumberedWithModulith : Orders::placeNumbered;
			int warmUpEvents = (int) (rate * this.warmUp.toMillis() / 1000);
			int total = warmUpEvents + (int) (rate * this.duration.toMillis() / 1000);
			long[] committed = new long[total];
			receiver.expect(total);
			AtomicLong next = new AtomicLong();
			long start = System.nanoTime();
			double interval = 1e9 / rate;
			Thread[] writers = new Thread[WRITERS];
			for (int i = 0; i < WRITERS; i++) {
				writers[i] = new Thread(() -> {
					long sequence;
					while ((sequence = next.getAndIncrement()) < total) {
						long due = start + (long) (sequence * interval);
						long wait = due - System.nanoTime();
						if (wait > 0) {
							sleepNanos(wait);
						}
						place.accept(orders, sequence);
						committed[(int) sequence] = System.nanoTime();
					}
				}, "paced-writer-" + i);
				writers[i].start();
			}
			for (Thread writer : writers) {
				writer.join();
			}
			double achieved = (total - warmUpEvents) / ((System.nanoTime() - start - this.warmUp.toNanos()) / 1e9);
			long[] received = receiver.await(Duration.ofMinutes(2));
			long[] latencies = new long[total - warmUpEvents];
			for (int i = warmUpEvents; i < total; i++) {
				latencies[i - warmUpEvents] = Math.max(0, received[i] - committed[i]);
			}
			return new Result(Stats.sorted(latencies), Math.min(achieved, rate));
		}
	}

	private static void sleepNanos(long nanos) {
		try {
			Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Latencies in nanoseconds, sorted, and the load actually offered.
	 */
	record Result(long[] sortedNanos, double achievedRate) {

		double millis(double percentile) {
			return Stats.percentile(this.sortedNanos, percentile) / 1e6;
		}

	}

	/**
	 * Notes when each numbered event arrives.
	 */
	static final class Receiver implements AutoCloseable {

		private final KafkaConsumer<byte[], byte[]> consumer;

		private final Thread poller;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private volatile long[] received = new long[0];

		private final AtomicLong count = new AtomicLong();

		Receiver(String bootstrapServers, Pattern topics) {
			this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
					ConsumerConfig.GROUP_ID_CONFIG, "latency-" + UUID.randomUUID(),
					ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.METADATA_MAX_AGE_CONFIG, 200,
					ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
					new ByteArrayDeserializer());
			this.consumer.subscribe(topics);
			this.poller = new Thread(this::poll, "latency-receiver");
			this.poller.start();
		}

		void expect(int events) {
			this.received = new long[events];
		}

		private void poll() {
			while (this.running.get()) {
				for (ConsumerRecord<byte[], byte[]> record : this.consumer.poll(Duration.ofMillis(100))) {
					long now = System.nanoTime();
					Header header = record.headers().lastHeader(SEQUENCE_HEADER);
					if (header != null) {
						int sequence = sequenceOf(header);
						if (this.received[sequence] == 0) {
							this.received[sequence] = now;
							this.count.incrementAndGet();
						}
					}
				}
			}
			this.consumer.close(Duration.ofSeconds(5));
		}

		/**
		 * Reads the number: as the relay copies it ({@code 42}) or as Spring Kafka's header
		 * mapper writes a String header for Spring Modulith ({@code "42"}, JSON).
		 */
		private static int sequenceOf(Header header) {
			String value = new String(header.value(), StandardCharsets.UTF_8);
			return Integer.parseInt(value.replace("\"", ""));
		}

		long[] await(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.count.get() < this.received.length) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"Received " + this.count.get() + " of " + this.received.length + " events in " + timeout);
				}
				Thread.sleep(10);
			}
			return this.received;
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.poller.join(10_000);
		}

	}

}
