package io.github.outbox.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The relay's position in the outbox database, next to the slot it belongs to: one row per
 * entry of the Debezium engine's offsets, under the slot's name, with the identifier of the
 * server it was taken on. {@link RelayPositionStore} reads and writes it for the engine; the
 * relay reads it before it streams, to check that it belongs here.
 */
final class RelayPositionTable {

	private static final ObjectMapper json = new ObjectMapper();

	private final JdbcTemplate jdbc;

	private final String qualifiedName;

	private final String slotName;

	private volatile @Nullable Long systemIdentifier;

	// The publication the engine streams through, recorded with each position.
	private volatile @Nullable Long publicationOid;

	RelayPositionTable(DataSource dataSource, OutboxTable table, String slotName) {
		this.jdbc = new JdbcTemplate(dataSource);
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
		this.jdbc.query("SELECT offset_key, offset_value FROM " + this.qualifiedName + " WHERE slot_name = ?",
				(row) -> {
					offsets.put(row.getString(1), row.getString(2));
				}, this.slotName);
		return offsets;
	}

	/**
	 * Stores the engine's offsets for this slot, as taken on this server.
	 * @param offsets offset keys and values; a {@code null} value removes its key
	 */
	void save(Map<String, @Nullable String> offsets) {
		long server = systemIdentifier();
		offsets.forEach((key, value) -> {
			if (value == null) {
				this.jdbc.update("DELETE FROM " + this.qualifiedName + " WHERE slot_name = ? AND offset_key = ?",
						this.slotName, key);
			}
			else {
				this.jdbc.update("INSERT INTO " + this.qualifiedName
						+ " (slot_name, offset_key, offset_value, system_identifier, publication_oid, updated_at)"
						+ " VALUES (?, ?, ?, ?, ?, now()) ON CONFLICT (slot_name, offset_key) DO UPDATE SET"
						+ " offset_value = excluded.offset_value, system_identifier = excluded.system_identifier,"
						+ " publication_oid = excluded.publication_oid, updated_at = excluded.updated_at",
						this.slotName, key, value, server, this.publicationOid);
			}
		});
	}

	/**
	 * Removes the position of this slot, when the slot is created anew and the position refers
	 * to WAL it never had.
	 * @return whether there was one
	 */
	boolean forget() {
		return this.jdbc.update("DELETE FROM " + this.qualifiedName + " WHERE slot_name = ?", this.slotName) > 0;
	}

	/**
	 * Reads where the relay stopped, if it ever ran with this slot.
	 * @return the position, or {@code null} if none is stored
	 */
	@Nullable StoredPosition read() {
		List<StoredPosition> positions = this.jdbc.query("SELECT offset_value, system_identifier, publication_oid FROM "
				+ this.qualifiedName + " WHERE slot_name = ? ORDER BY updated_at DESC LIMIT 1",
				(row, number) -> StoredPosition.of(row.getString(1), row.getLong(2), (Long) row.getObject(3)),
				this.slotName);
		return positions.isEmpty() ? null : positions.get(0);
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
	 * @param lsn the furthest WAL position it covers, if it names one
	 * @param committedAt when the last transaction it covers committed, if known
	 */
	record StoredPosition(long systemIdentifier, @Nullable Long publicationOid, @Nullable Long lsn,
			@Nullable Instant committedAt) {

		static StoredPosition of(@Nullable String offset, long systemIdentifier, @Nullable Long publicationOid) {
			if (offset == null) {
				return new StoredPosition(systemIdentifier, publicationOid, null, null);
			}
			try {
				JsonNode value = json.readTree(offset);
				Long lsn = null;
				// Debezium's PostgreSQL offset: lsn (last event), lsn_proc (last fully processed),
				// lsn_commit (last commit): the slot is confirmed up to one of them.
				for (String field : new String[] { "lsn", "lsn_proc", "lsn_commit" }) {
					JsonNode position = value.get(field);
					if (position != null && position.canConvertToLong()) {
						lsn = (lsn == null) ? position.asLong() : Math.max(lsn, position.asLong());
					}
				}
				JsonNode microseconds = value.get("ts_usec");
				Instant committedAt = (microseconds != null && microseconds.canConvertToLong())
						? Instant.EPOCH.plus(microseconds.asLong(), ChronoUnit.MICROS) : null;
				return new StoredPosition(systemIdentifier, publicationOid, lsn, committedAt);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("The relay's stored position is not JSON: " + offset, ex);
			}
		}

	}

}
