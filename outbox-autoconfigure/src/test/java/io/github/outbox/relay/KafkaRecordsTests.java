package io.github.outbox.relay;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaRecordsTests {

	private static final Schema JSON = SchemaBuilder.string().name("io.debezium.data.Json").optional().build();

	private static final Schema UUID = SchemaBuilder.string().name("io.debezium.data.Uuid").build();

	@Test
	void routedRecordBecomesStringsWithoutEmptyHeaders() {
		ConnectHeaders headers = new ConnectHeaders();
		headers.add("id", "0190f1d2-0000-7000-8000-000000000001", UUID);
		headers.addString("eventType", "OrderPlaced");
		headers.add("traceparent", null, Schema.OPTIONAL_STRING_SCHEMA);
		headers.addString("tenant", "acmé");
		SourceRecord routed = new SourceRecord(Map.of(), Map.of(), "outbox.event.order", null, Schema.STRING_SCHEMA, "o-1",
				JSON, "{\"total\": 1}", 1_795_000_000_123L, headers);

		ProducerRecord<byte[], byte[]> record = KafkaRecords.from(routed);

		assertThat(record.topic()).isEqualTo("outbox.event.order");
		assertThat(record.partition()).isNull();
		assertThat(record.timestamp()).isEqualTo(1_795_000_000_123L);
		assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("o-1");
		assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"total\": 1}");
		Map<String, String> sent = new LinkedHashMap<>();
		for (Header header : record.headers()) {
			sent.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
		}
		assertThat(sent).containsExactly(Map.entry("id", "0190f1d2-0000-7000-8000-000000000001"),
				Map.entry("eventType", "OrderPlaced"), Map.entry("tenant", "acmé"));
	}

	@Test
	void emptyPayloadIsSentAsATombstone() {
		SourceRecord routed = new SourceRecord(Map.of(), Map.of(), "t", null, Schema.STRING_SCHEMA, "k", null, null, 1L,
				new ConnectHeaders());
		assertThat(KafkaRecords.from(routed).value()).isNull();
	}

}
