package io.github.outbox.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay's position in the outbox database, next to the slot it belongs to: one row per
 * entry of the Debezium engine's offsets, under the slot's name, with the identifier of the
 * server it was taken on and the publication it was streamed through; and, while one is due, the
 * replay the relay still has to ask for. {@link RelayPositionStore} reads and writes the offsets
 * for the engine; {@link RelayPreparation} reads them before the relay streams, to check that
 * they belong here.
 * <p>
 * Every write commits on its own (the application's pool may hand out connections without
 * auto-commit), and a position is only ever replaced by one at least as far into the WAL.
 */
final class RelayPositionTable implements AutoCloseable {

	// The engine's offset keys are JSON arrays; the relay's own entry is not, and the engine
	// never sees it.
	private static final String PENDING_REPLAY = "outbox-relay:pending-replay";

	private static final ObjectMapper json = new ObjectMapper();

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final String qualifiedName;

	private final String slotName;

	private volatile @Nullable Long systemIdentifier;

	// The publication the engine streams through, recorded with each position.
	private volatile @Nullable Long publicationOid;

	RelayPositionTable(DataSource dataSource, OutboxTable table, String slotName) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.qualifiedName = table.qualifiedRelayPositionName();
		this.slotName = slotName;
	}

	String slotName() {
		return this.slotName;
	}

	/**
	 * Records which publication the positions written from now on were streamed through.
	 * @param oid the publication's object id
	 */
	void streamingThrough(@Nullable Long oid) {
		this.publicationOid = oid;
	}

	/**
	 * Returns the engine's offsets as stored for this slot.
	 * @return offset keys and values, as the engine wrote them
	 */
	Map<String, String> load() {
		Map<String, String> offsets = new LinkedHashMap<>();
		this.jdbc.query("SELECT offset_key, offset_value FROM " + this.qualifiedName
				+ " WHERE slot_name = ? AND offset_key <> ?", (row) -> {
					offsets.put(row.getString(1), row.getString(2));
				}, this.slotName, PENDING_REPLAY);
		return offsets;
	}

	/**
	 * Stores the engine's offsets for this slot, as taken on this server. An offset is replaced
	 * only by one at least as far into the WAL: an instance that lost the relay, and records its
	 * last position on its way out, cannot set its successor's back.
	 * @param offsets offset keys and values; a {@code null} value removes its key
	 */
	void save(Map<String, @Nullable String> offsets) {
		long server = systemIdentifier();
		this.transaction.executeWithoutResult((status) -> offsets.forEach((key, value) -> {
			if (value == null) {
				this.jdbc.update("DELETE FROM " + this.qualifiedName + " WHERE slot_name = ? AND offset_key = ?",
						this.slotName, key);
			}
			else {
				this.jdbc.update("INSERT INTO " + this.qualifiedName + " AS position"
						+ " (slot_name, offset_key, offset_value, lsn, system_identifier, publication_oid, updated_at)"
						+ " VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (slot_name, offset_key) DO UPDATE SET"
						+ " offset_value = excluded.offset_value, lsn = excluded.lsn,"
						+ " system_identifier = excluded.system_identifier, publication_oid = excluded.publication_oid,"
						+ " updated_at = excluded.updated_at"
						+ " WHERE position.lsn IS NULL OR excluded.lsn IS NULL OR excluded.lsn >= position.lsn",
						this.slotName, key, value, StoredPosition.of(value, server, null).lsn(), server,
						this.publicationOid);
			}
		}));
	}

	/**
	 * Reads where the relay stopped, if it ever ran with this slot.
	 * @return the position furthest into the WAL, or {@code null} if none is stored
	 */
	@Nullable StoredPosition read() {
		List<StoredPosition> positions = this.jdbc.query("SELECT offset_value, system_identifier, publication_oid FROM "
				+ this.qualifiedName + " WHERE slot_name = ? AND offset_key <> ? ORDER BY lsn DESC NULLS LAST LIMIT 1",
				(row, number) -> StoredPosition.of(row.getString(1), row.getLong(2), (Long) row.getObject(3)),
				this.slotName, PENDING_REPLAY);
		return positions.isEmpty() ? null : positions.get(0);
	}

	/**
	 * Records a replay the relay must ask for before it streams, keeping the earliest start and
	 * the slot advance if one was recorded already.
	 * @param replay the replay
	 */
	void pending(PendingReplay replay) {
		PendingReplay recorded = pending();
		PendingReplay merged = (recorded != null) ? recorded.merge(replay) : replay;
		this.transaction.executeWithoutResult((status) -> this.jdbc.update("INSERT INTO " + this.qualifiedName
				+ " (slot_name, offset_key, offset_value, system_identifier, updated_at) VALUES (?, ?, ?, ?, now())"
				+ " ON CONFLICT (slot_name, offset_key) DO UPDATE SET offset_value = excluded.offset_value,"
				+ " updated_at = excluded.updated_at", this.slotName, PENDING_REPLAY, merged.toJson(),
				systemIdentifier()));
	}

	/**
	 * Ends the pending replay, if it has no end yet, before the given time: used once the slot
	 * exists, which streams everything written after it.
	 * @param until the event time the replay ends before
	 */
	void pendingUntil(Instant until) {
		this.transaction.executeWithoutResult((status) -> {
			PendingReplay recorded = pending();
			if (recorded != null && recorded.until() == null && !recorded.advanceSlot()) {
				this.jdbc.update("UPDATE " + this.qualifiedName + " SET offset_value = ?, updated_at = now()"
						+ " WHERE slot_name = ? AND offset_key = ?", recorded.until(until).toJson(), this.slotName,
						PENDING_REPLAY);
			}
		});
	}

	/**
	 * Returns the replay the relay must still ask for, if any.
	 * @return the pending replay, or {@code null}
	 */
	@Nullable PendingReplay pending() {
		List<String> values = this.jdbc.queryForList("SELECT offset_value FROM " + this.qualifiedName
				+ " WHERE slot_name = ? AND offset_key = ?", String.class, this.slotName, PENDING_REPLAY);
		return values.isEmpty() ? null : PendingReplay.of(values.get(0));
	}

	/**
	 * Runs the work that asks for a pending replay, or for the replays Debezium was in the middle
	 * of, and, in the same transaction, removes the engine's offsets, which refer to WAL the slot
	 * no longer has or has passed (so that the engine starts from the slot), and the pending
	 * entry: either all of it commits, or the replay is still pending next time.
	 * @param work writes the replay requests, on the given connection's transaction
	 */
	void startFromTheSlot(java.util.function.Consumer<JdbcTemplate> work) {
		this.transaction.executeWithoutResult((status) -> {
			work.accept(this.jdbc);
			this.jdbc.update("DELETE FROM " + this.qualifiedName + " WHERE slot_name = ?", this.slotName);
		});
	}

	/**
	 * Closes the table's connections if they are its own (see
	 * {@link RelayDatabase#positionDataSource}).
	 */
	@Override
	public void close() throws Exception {
		if (this.dataSource instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	long systemIdentifier() {
		Long identifier = this.systemIdentifier;
		if (identifier == null) {
			identifier = this.jdbc.queryForObject("SELECT system_identifier FROM pg_control_system()", Long.class);
			this.systemIdentifier = identifier;
		}
		return (identifier != null) ? identifier : 0;
	}

	/**
	 * A stored position.
	 *
	 * @param systemIdentifier the server it was taken on
	 * @param publicationOid the publication it was streamed through, if recorded
	 * @param lsn the commit of the last transaction it covers, if it names one
	 * @param committedAt when the last transaction it covers committed, if known
	 * @param unfinishedReplays the conditions of the outbox replays Debezium was in the middle
	 * of (its incremental snapshots)
	 */
	record StoredPosition(long systemIdentifier, @Nullable Long publicationOid, @Nullable Long lsn,
			@Nullable Instant committedAt, List<String> unfinishedReplays) {

		static StoredPosition of(@Nullable String offset, long systemIdentifier, @Nullable Long publicationOid) {
			if (offset == null) {
				return new StoredPosition(systemIdentifier, publicationOid, null, null, List.of());
			}
			try {
				JsonNode value = json.readTree(offset);
				// Debezium's PostgreSQL offset: lsn_commit (the commit of the last transaction, what
				// it confirms to the slot, and in commit order never decreasing); lsn and lsn_proc (the
				// last event, which can lie before a non-transactional message seen earlier).
				Long lsn = longValue(value, "lsn_commit");
				if (lsn == null) {
					Long event = longValue(value, "lsn");
					Long processed = longValue(value, "lsn_proc");
					lsn = (event == null) ? processed : (processed == null) ? event : Math.max(event, processed);
				}
				JsonNode microseconds = value.get("ts_usec");
				Instant committedAt = (microseconds != null && microseconds.canConvertToLong())
						? Instant.EPOCH.plus(microseconds.asLong(), ChronoUnit.MICROS) : null;
				return new StoredPosition(systemIdentifier, publicationOid, lsn, committedAt, unfinishedReplays(value));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("The relay's stored position is not JSON: " + offset, ex);
			}
		}

		private static @Nullable Long longValue(JsonNode value, String field) {
			JsonNode position = value.get(field);
			return (position != null && position.canConvertToLong()) ? position.asLong() : null;
		}

		// Debezium keeps an incremental snapshot's progress in its offset: the collections it
		// snapshots, each with its additional condition, as a JSON string.
		private static List<String> unfinishedReplays(JsonNode value) throws IOException {
			JsonNode collections = value.get("incremental_snapshot_collections");
			List<String> conditions = new ArrayList<>();
			if (collections != null && collections.isTextual()) {
				for (JsonNode collection : json.readTree(collections.asText())) {
					JsonNode condition = collection.get("incremental_snapshot_collections_additional_condition");
					conditions.add((condition != null && !condition.isNull()) ? condition.asText() : "");
				}
			}
			return conditions;
		}

	}

	/**
	 * A replay the relay must ask for before it streams.
	 *
	 * @param from the earliest event time it covers
	 * @param until the event time it ends before, or {@code null} for the moment it is asked
	 * for: events written after the slot was created reach Kafka through it, and replaying
	 * them as well would only send them twice
	 * @param advanceSlot whether the slot must first be moved past the WAL written until now, where
	 * PostgreSQL would skip or fail on what it holds (a publication gap)
	 */
	record PendingReplay(Instant from, @Nullable Instant until, boolean advanceSlot) {

		PendingReplay merge(PendingReplay other) {
			Instant end = (this.until == null || other.until == null) ? null
					: this.until.isAfter(other.until) ? this.until : other.until;
			return new PendingReplay(this.from.isBefore(other.from) ? this.from : other.from, end,
					this.advanceSlot || other.advanceSlot);
		}

		PendingReplay until(Instant end) {
			return new PendingReplay(this.from, end, this.advanceSlot);
		}

		String toJson() {
			return "{\"from\":\"" + this.from + "\"" + ((this.until != null) ? ",\"until\":\"" + this.until + "\"" : "")
					+ ",\"advanceSlot\":" + this.advanceSlot + "}";
		}

		static PendingReplay of(String value) {
			try {
				JsonNode node = json.readTree(value);
				JsonNode until = node.get("until");
				return new PendingReplay(Instant.parse(node.get("from").asText()),
						(until != null && !until.isNull()) ? Instant.parse(until.asText()) : null,
						node.get("advanceSlot").asBoolean());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("The relay's pending replay is not JSON: " + value, ex);
			}
		}

	}

}
