package io.github.outbox.sample.lab;

import java.util.Arrays;

/**
 * The faults the lab fires, each at a real component of the sample's pipeline, with what the
 * verdict says absorbed it when nothing broke, and where the docs explain that mechanism.
 */
enum LabFault {

	KAFKA_OUTAGE("kafka-outage", "Kafka unavailable",
			"Cuts the connection to the embedded broker (dev services' outage switch) for the seconds given (20 by default).",
			"The replication slot kept the WAL while Kafka was away (up to %s) and the relay retried; once Kafka was back "
					+ "it resumed from the last position Kafka had acknowledged, so every event written during the outage arrived.",
			"docs/relay.md"),

	RELAY_CRASH("relay-crash", "Relay engine crashed",
			"Ends the Debezium engine's replication connection on the server (pg_terminate_backend), as a crash would.",
			"The relay restarted its engine, which resumed from the position it had stored in outbox_relay_position; "
					+ "what it had sent but not yet confirmed was sent again.",
			"docs/relay.md"),

	LEADERSHIP_LOST("leadership-lost", "Leadership lost",
			"Ends the database session holding the relay's advisory lock, as when a leader's connection dies.",
			"The instance noticed at its next check that it no longer held the lock, stopped streaming, took the lock "
					+ "again and resumed from the stored position: two relays never stream at once.",
			"docs/relay.md"),

	POSTGRES_RESTART("postgres-restart", "PostgreSQL restarted",
			"Restarts the embedded PostgreSQL server (fast shutdown, then start): every connection ends.",
			"Transactions in progress rolled back whole, business change and event together; the slot and the "
					+ "events in the WAL survived the restart, the pool opened new connections and the relay "
					+ "reconnected and resumed from the position stored next to its slot.",
			"docs/relay.md"),

	RELAY_STOPPED("relay-stopped", "Relay stopped for a minute",
			"Stops the relay in this instance for 60 seconds, then starts it again.",
			"Nothing was relayed for a minute; the slot kept the events' WAL (up to %s) and the relay, started again, "
					+ "delivered them in order.",
			"docs/operations.md"),

	REDELIVER("redeliver", "Redeliver the last 500 records",
			"Moves the audit log consumer's committed offsets back by 500 records in all, so Kafka delivers them again.",
			"Kafka delivered the records again; the inbox recognised the events it had applied and skipped them.",
			"docs/consuming.md"),

	CONSUMER_FAILING("consumer-failing", "Audit log fails its next 5 deliveries",
			"The audit log throws on its next 5 deliveries, after writing its entry.",
			"Each failure rolled back the audit entry and the inbox's record of the event together, and Spring "
					+ "Kafka's error handler delivered the record again: each event was applied once.",
			"docs/consuming.md"),

	BURST("burst", "Burst of 10,000 events",
			"Places and cancels 5,000 orders from 4 threads: 10,000 events as fast as the database takes them.",
			"The relay drained the burst; order per order held because the record key is the aggregate id, so one "
					+ "order's events share a partition.",
			"docs/guarantees.md");

	final String id;

	final String label;

	final String description;

	final String absorbed;

	final String docs;

	LabFault(String id, String label, String description, String absorbed, String docs) {
		this.id = id;
		this.label = label;
		this.description = description;
		this.absorbed = absorbed;
		this.docs = docs;
	}

	static LabFault of(String id) {
		for (LabFault fault : values()) {
			if (fault.id.equals(id)) {
				return fault;
			}
		}
		throw new IllegalArgumentException("No fault '" + id + "' in the failure lab; its faults are "
				+ Arrays.stream(values()).map((fault) -> fault.id).toList());
	}

}
