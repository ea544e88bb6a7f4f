package io.github.outbox.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OutboxTableTests {

	@ParameterizedTest
	@ValueSource(strings = { "outbox_event", "_private", "events2", "a" })
	void acceptsLowercaseUnquotedIdentifiers(String name) {
		assertThat(new OutboxTable("public", name, "outbox_publication", "outbox_inbox", "outbox_signal", "outbox_relay_position", "outbox_event_schema").name()).isEqualTo(name);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "OutboxEvent", "outbox-event", "2events", "outbox event", "outbox\";drop table x;--",
			"schema.table" })
	void refusesAnythingElse(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> new OutboxTable("public", name, "outbox_publication", "outbox_inbox", "outbox_signal", "outbox_relay_position", "outbox_event_schema"))
			.withMessageContaining("use lowercase letters, digits and underscores");
	}

	@Test
	void refusesIdentifiersLongerThanPostgresKeeps() {
		assertThat(new OutboxTable("public", "a".repeat(63), "p", "i", "s", "r", "e").name()).hasSize(63);
		assertThatIllegalArgumentException().isThrownBy(() -> new OutboxTable("public", "a".repeat(64), "p", "i", "s", "r", "e"));
	}

	@Test
	void qualifiedNameIsQuotedForSql() {
		assertThat(new OutboxTable("messaging", "events", "p", "outbox_inbox", "outbox_signal", "outbox_relay_position", "outbox_event_schema").qualifiedName()).isEqualTo("\"messaging\".\"events\"");
		assertThat(new OutboxTable("messaging", "events", "p", "outbox_inbox", "outbox_signal", "outbox_relay_position", "outbox_event_schema")).hasToString("messaging.events");
	}

}
