package io.github.outbox.connect;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ExpandJsonHeaderTests {

	private final ExpandJsonHeader<SourceRecord> transform = configured(Map.of());

	@Test
	void membersOfTheJsonObjectBecomeHeadersAndTheJsonHeaderGoes() {
		SourceRecord record = record(new ConnectHeaders().addString("id", "e-1")
			.addString("outbox-headers", "{\"tenant\": \"acme\", \"note\": \"line1\\n\\\"quoted\\\"\"}"));
		SourceRecord transformed = this.transform.apply(record);
		assertThat(headers(transformed.headers())).containsExactly(Map.entry("id", "e-1"), Map.entry("tenant", "acme"),
				Map.entry("note", "line1\n\"quoted\""));
		assertThat(transformed.topic()).isEqualTo("outbox.event.order");
		assertThat(transformed.key()).isEqualTo("o-1");
		assertThat(transformed.value()).isEqualTo("{\"total\": 1}");
		assertThat(transformed.timestamp()).isEqualTo(1_000L);
	}

	@Test
	void nullJsonHeaderIsDropped() {
		SourceRecord transformed = this.transform
			.apply(record(new ConnectHeaders().addString("id", "e-1").add("outbox-headers", null, Schema.OPTIONAL_STRING_SCHEMA)));
		assertThat(headers(transformed.headers())).containsExactly(Map.entry("id", "e-1"));
	}

	@Test
	void recordWithoutTheHeaderIsLeftAsItIs() {
		SourceRecord record = record(new ConnectHeaders().addString("id", "e-1"));
		assertThat(this.transform.apply(record)).isSameAs(record);
	}

	@Test
	void nonStringMembersAreWrittenAsTheirJsonText() {
		SourceRecord transformed = this.transform
			.apply(record(new ConnectHeaders().addString("outbox-headers", "{\"n\": 3, \"on\": true, \"o\": {\"a\": 1}, \"none\": null}")));
		assertThat(headers(transformed.headers())).containsExactly(Map.entry("n", "3"), Map.entry("on", "true"),
				Map.entry("o", "{\"a\":1}"));
	}

	@Test
	void headerNameIsConfigurable() {
		SourceRecord transformed = configured(Map.of(ExpandJsonHeader.HEADER_CONFIG, "extra"))
			.apply(record(new ConnectHeaders().addString("extra", "{\"k\": \"v\"}")));
		assertThat(headers(transformed.headers())).containsExactly(Map.entry("k", "v"));
	}

	@Test
	void invalidJsonIsReported() {
		assertThatExceptionOfType(DataException.class)
			.isThrownBy(() -> this.transform.apply(record(new ConnectHeaders().addString("outbox-headers", "{not json"))))
			.withMessageContaining("Header 'outbox-headers' is not valid JSON");
		assertThatExceptionOfType(DataException.class)
			.isThrownBy(() -> this.transform.apply(record(new ConnectHeaders().addString("outbox-headers", "[1]"))))
			.withMessage("Header 'outbox-headers' is not a JSON object");
	}

	private static ExpandJsonHeader<SourceRecord> configured(Map<String, String> config) {
		ExpandJsonHeader<SourceRecord> transform = new ExpandJsonHeader<>();
		transform.configure(new HashMap<>(config));
		return transform;
	}

	private static SourceRecord record(Headers headers) {
		return new SourceRecord(Map.of(), Map.of(), "outbox.event.order", null, Schema.STRING_SCHEMA, "o-1",
				Schema.STRING_SCHEMA, "{\"total\": 1}", 1_000L, headers);
	}

	private static List<Map.Entry<String, String>> headers(Headers headers) {
		List<Map.Entry<String, String>> entries = new java.util.ArrayList<>();
		for (Header header : headers) {
			entries.add(Map.entry(header.key(), String.valueOf(header.value())));
		}
		return entries;
	}

}
