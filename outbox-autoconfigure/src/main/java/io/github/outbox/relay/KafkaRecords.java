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
 * the JSON payload itself, each header a string. Headers without a value are left out.
 * (Debezium's own {@code __debezium.context.*} headers are turned off in the connector
 * configuration, {@code extended.headers.enabled=false}, for every deployment alike.)
 */
final class KafkaRecords {

	private KafkaRecords() {
	}

	private static final String HEARTBEAT_SCHEMA = "io.debezium.connector.common.Heartbeat";

	/**
	 * Returns whether the record is one of Debezium's heartbeats, which move the relay's
	 * position forward on a quiet outbox and are not events.
	 * @param record the record
	 * @return whether it is a heartbeat
	 */
	static boolean isHeartbeat(SourceRecord record) {
		return record.valueSchema() != null && HEARTBEAT_SCHEMA.equals(record.valueSchema().name());
	}

	static ProducerRecord<byte[], byte[]> from(SourceRecord record) {
		RecordHeaders headers = new RecordHeaders();
		for (Header header : record.headers()) {
			if (header.value() != null) {
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
