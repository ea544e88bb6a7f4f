package io.github.outbox.schema;

import java.util.Map;

/**
 * Where the outbox migrations are and the placeholders they need. The SQL lives in
 * {@code db/migration} at the root of the project and is packaged under {@link #LOCATION}.
 */
final class OutboxMigrations {

	static final String LOCATION = "classpath:io/github/outbox/db/migration";

	// Every outbox migration is versioned 1.0.0.<n>: just after an application's V1, and after
	// the default baseline version (1), so that a baselined history still applies them.
	static final String VERSION_PREFIX = "1.0.0.";

	private OutboxMigrations() {
	}

	static Map<String, String> placeholders(OutboxTable table) {
		return Map.of("outbox_schema", table.schema(), "outbox_table", table.name(), "outbox_publication",
				table.publication(), "outbox_inbox", table.inbox(), "outbox_signal", table.signal(),
				"outbox_relay_position", table.relayPosition());
	}

}
