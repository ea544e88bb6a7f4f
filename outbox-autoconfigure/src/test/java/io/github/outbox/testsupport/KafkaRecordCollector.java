package io.github.outbox.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

/**
 * Reads, in the background, every record of the topics matching a pattern, from their
 * beginning, as a consumer of the outbox would see them: key, value and headers as strings.
 * Each record of the log is collected once, however often the consumer reads it.
 */
public final class KafkaRecordCollector implements AutoCloseable {

	private final KafkaConsumer<String, String> consumer;

	private final List<Received> received = new ArrayList<>();

	// A consumer re-reads records after a rebalance; a duplicate the relay sent has an offset
	// of its own, so records are told apart by where they are in the log.
	private final Set<String> positions = new HashSet<>();

	private final Thread poller;

	private volatile boolean running = true;

	public KafkaRecordCollector(String bootstrapServers, Pattern topics) {
		this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.GROUP_ID_CONFIG, "collector-" + UUID.randomUUID(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500,
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
		this.consumer.subscribe(topics);
		this.poller = new Thread(this::poll, "kafka-record-collector");
		this.poller.setDaemon(true);
		this.poller.start();
	}

	private void poll() {
		try {
			while (this.running) {
				for (ConsumerRecord<String, String> record : this.consumer.poll(Duration.ofMillis(200))) {
					Map<String, String> headers = new LinkedHashMap<>();
					for (Header header : record.headers()) {
						headers.put(header.key(),
								(header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null);
					}
					synchronized (this.received) {
						if (!this.positions.add(record.topic() + "/" + record.partition() + "/" + record.offset())) {
							continue;
						}
						this.received.add(new Received(record.topic(), record.partition(), record.offset(), record.key(),
								record.value(), headers, record.timestamp(), Instant.now()));
					}
				}
			}
		}
		catch (WakeupException ex) {
			// closing
		}
		finally {
			this.consumer.close(Duration.ZERO);
		}
	}

	public List<Received> records() {
		synchronized (this.received) {
			return List.copyOf(this.received);
		}
	}

	/**
	 * Waits until a record with each of the keys has arrived.
	 * @param keys the record keys
	 * @param timeout how long to wait at most
	 */
	public void awaitKeys(List<String> keys, Duration timeout) {
		Awaitility.await()
			.atMost(timeout)
			.until(() -> records().stream().map(Received::key).toList().containsAll(keys));
	}

	public int count() {
		synchronized (this.received) {
			return this.received.size();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.consumer.wakeup();
		this.poller.join(10_000);
	}

	/**
	 * A record as a consumer received it.
	 *
	 * @param topic the topic
	 * @param partition the partition
	 * @param offset the offset in the partition
	 * @param key the key
	 * @param value the value
	 * @param headers the headers, in order
	 * @param timestamp the record's timestamp
	 */
	/**
	 * A record as collected.
	 *
	 * @param topic its topic
	 * @param partition its partition
	 * @param offset its offset
	 * @param key its key
	 * @param value its value
	 * @param headers its headers
	 * @param timestamp its timestamp
	 * @param receivedAt when the collector read it
	 */
	public record Received(String topic, int partition, long offset, @Nullable String key, @Nullable String value,
			Map<String, @Nullable String> headers, long timestamp, Instant receivedAt) {

		public @Nullable String header(String name) {
			return this.headers.get(name);
		}

	}

}
