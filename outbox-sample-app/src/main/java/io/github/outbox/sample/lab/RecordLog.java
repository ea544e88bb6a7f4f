package io.github.outbox.sample.lab;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.ConsumerFactory;

/**
 * The experiment's independent consumer: every record of the order topic from the offsets at
 * the experiment's start, as Kafka holds it (no group, no commits, no inbox), so that the
 * verdict sees duplicates and order exactly as any consumer would.
 */
final class RecordLog implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RecordLog.class);

	private final Consumer<String, byte[]> consumer;

	private final List<Seen> seen = new ArrayList<>();

	private final Thread thread;

	private volatile boolean running = true;

	RecordLog(ConsumerFactory<?, ?> consumers, String topic) {
		Properties overrides = new Properties();
		overrides.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		overrides.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
		overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		@SuppressWarnings("unchecked")
		Consumer<String, byte[]> consumer = (Consumer<String, byte[]>) consumers.createConsumer(null, "lab-record-log",
				null, overrides);
		this.consumer = consumer;
		try {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10))
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
			ends.forEach(consumer::seek);
		}
		catch (RuntimeException ex) {
			consumer.close(Duration.ofSeconds(1));
			throw new IllegalStateException("The experiment's record log cannot read " + topic + " (is Kafka up?): "
					+ ex.getMessage(), ex);
		}
		this.thread = new Thread(this::run, "lab-record-log");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		try {
			while (this.running) {
				for (ConsumerRecord<String, byte[]> record : this.consumer.poll(Duration.ofMillis(500))) {
					Seen seen = new Seen(header(record, "eventId"), record.key(), header(record, "eventType"),
							record.partition(), record.offset(), System.currentTimeMillis());
					synchronized (this.seen) {
						this.seen.add(seen);
					}
				}
			}
		}
		catch (WakeupException ex) {
			// closing
		}
		catch (RuntimeException ex) {
			logger.warn("The failure lab's record log stopped reading", ex);
		}
		finally {
			this.consumer.close(Duration.ofSeconds(1));
		}
	}

	List<Seen> seen() {
		synchronized (this.seen) {
			return List.copyOf(this.seen);
		}
	}

	private static @Nullable String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	@Override
	public void close() {
		this.running = false;
		this.consumer.wakeup();
	}

	/**
	 * One record as Kafka delivered it.
	 *
	 * @param eventId its {@code eventId} header
	 * @param key its key (the order id)
	 * @param eventType its {@code eventType} header
	 * @param partition its partition
	 * @param offset its offset
	 * @param receivedAt when this consumer read it
	 */
	record Seen(@Nullable String eventId, @Nullable String key, @Nullable String eventType, int partition, long offset,
			long receivedAt) {
	}

}
