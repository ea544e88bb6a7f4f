package io.github.outbox.soak;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The independent consumer: reads every outbox topic from the beginning, in a consumer group
 * of its own that commits after each poll, and records every record it sees (topic, partition,
 * offset, key, event id and type, the sequence number in the payload, the record's timestamp,
 * and when it arrived). Stopped and started again as one of the faults: it resumes from its
 * committed offsets, and records it sees twice then are told apart from relay duplicates by
 * their offset.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
final class RecordLog {

	private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d+)");

	private final String bootstrapServers;

	private final ConcurrentLinkedQueue<Seen> records = new ConcurrentLinkedQueue<>();

	private final AtomicLong count = new AtomicLong();

	private final java.util.Set<String> eventIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	private Thread thread;

	RecordLog(String bootstrapServers) {
		this.bootstrapServers = bootstrapServers;
	}

	synchronized void start() {
		this.running = true;
		this.thread = new Thread(this::consume, "soak-observer");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	synchronized void stop() throws InterruptedException {
		this.running = false;
		if (this.thread != null) {
			this.thread.join();
		}
	}

	void stopQuietly() {
		this.running = false;
	}

	long count() {
		return this.count.get();
	}

	/**
	 * Returns how many distinct events it has seen.
	 */
	long distinct() {
		return this.eventIds.size();
	}

	List<Seen> records() {
		return List.copyOf(this.records);
	}

	private void consume() {
		while (this.running) {
			try {
				consumeUntilStopped();
			}
			catch (RuntimeException ex) {
				// Never a silent death: a consumer that fails is reported and made again.
				System.err.println("[soak] the independent consumer failed and starts again: " + ex);
			}
		}
	}

	private void consumeUntilStopped() {
		Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
				ConsumerConfig.GROUP_ID_CONFIG, "soak-observer", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2000,
				ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(Pattern.compile("outbox\\.event\\..*"));
			while (this.running) {
				var polled = consumer.poll(Duration.ofMillis(200));
				long now = System.currentTimeMillis();
				for (ConsumerRecord<String, String> record : polled) {
					Matcher seq = SEQ.matcher(record.value() != null ? record.value() : "");
					String eventId = header(record, "eventId");
					if (eventId != null) {
						this.eventIds.add(eventId);
					}
					this.records.add(new Seen(record.topic().intern(), record.partition(), record.offset(), record.key(),
							eventId, intern(header(record, "eventType")), seq.find() ? Long.parseLong(seq.group(1)) : -1,
							record.timestamp(), now));
				}
				this.count.addAndGet(polled.count());
				if (!polled.isEmpty()) {
					try {
						consumer.commitSync(Duration.ofSeconds(10));
					}
					catch (RuntimeException ex) {
						// Kafka away: the records are seen again after the restart or the outage.
					}
				}
			}
		}
	}

	private static String intern(String value) {
		return (value != null) ? value.intern() : null;
	}

	private static String header(ConsumerRecord<String, String> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	/**
	 * One record as the independent consumer saw it.
	 */
	record Seen(String topic, int partition, long offset, String key, String eventId, String eventType, long seq,
			long timestamp, long receivedAt) {
	}

}
