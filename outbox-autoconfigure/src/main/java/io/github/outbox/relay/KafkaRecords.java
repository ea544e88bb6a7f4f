package io.github.outbox.relay;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;

/**
 * Turns a record routed by the Outbox Event Router into the Kafka record consumers see, the
 * way Kafka Connect's {@code StringConverter} would: the key is the aggregate id, the value is
 * the JSON payload itself, each header a string. Headers the Debezium engine adds for its own
 * bookkeeping ({@code __debezium.context.*}) and headers without a value are left out.
 */
final class KafkaRecords {

	private static final String DEBEZIUM_CONTEXT_HEADERS = "__debezium.";

	private KafkaRecords() {
	}

	static ProducerRecord<byte[], byte[]> from(SourceRecord record) {
		RecordHeaders headers = new RecordHeaders();
		for (Header header : record.headers()) {
			if (header.value() != null && !header.key().startsWith(DEBEZIUM_CONTEXT_HEADERS)) {
				headers.add(header.key(), bytes(Values.convertToString(header.schema(), header.value())));
			}
		}
		return new ProducerRecord<>(record.topic(), record.kafkaPartition(), record.timestamp(),
				bytes(record.key()), bytes(record.value()), headers);
	}

	private static byte @Nullable [] bytes(@Nullable Object value) {
		return (value != null) ? value.toString().getBytes(StandardCharsets.UTF_8) : null;
	}

}
