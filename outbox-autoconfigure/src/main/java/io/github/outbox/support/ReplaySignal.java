package io.github.outbox.support;

import java.util.UUID;

import io.github.outbox.schema.OutboxTable;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * The one place where a replay request is written: an {@code execute-snapshot} signal in
 * Debezium's signal table, asking for an incremental snapshot of the outbox rows a filter
 * selects, chunked along the event id. Whatever reads the slot (the embedded relay, Kafka
 * Connect, Debezium Server) sees the row in the stream and replays the rows through the same
 * transforms. Internal to the starter.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class ReplaySignal {

	private ReplaySignal() {
	}

	/**
	 * Inserts a replay request.
	 * @param jdbc access to the outbox database, in the transaction to commit it with, if any
	 * @param table the outbox table and its signal table
	 * @param prefix the start of the signal's id, saying who asked
	 * @param filter the SQL condition on the outbox table's columns that selects the rows
	 * @return the signal's id
	 */
	public static String insert(JdbcOperations jdbc, OutboxTable table, String prefix, String filter) {
		// Chunks follow the event id: the key of a partitioned table, (id, created_at), would make
		// Debezium compare created_at with a text parameter.
		String collection = JsonText.string(table.dataCollection());
		String data = "{\"type\":\"incremental\",\"data-collections\":[" + collection
				+ "],\"additional-conditions\":[{\"data-collection\":" + collection + ",\"filter\":" + JsonText.string(filter)
				+ "}],\"surrogate-key\":\"id\"}";
		String id = prefix + "-" + UUID.randomUUID();
		jdbc.update("INSERT INTO " + table.qualifiedSignalName() + " (id, type, data) VALUES (?, ?, ?)", id,
				"execute-snapshot", data);
		return id;
	}

}
