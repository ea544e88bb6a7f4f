package io.github.outbox.relay;

import java.sql.SQLException;
import java.util.List;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the database must offer before the relay can stream: logical replication, the
 * REPLICATION attribute (or, on Amazon RDS and Aurora, the {@code rds_replication} role) for the
 * relay's user, and a publication that covers the outbox table and the signal table and
 * publishes their inserts. Each failed check says what to change.
 */
final class RelayChecks {

	private final JdbcTemplate relay;

	private final JdbcTemplate queries;

	private final OutboxTable table;

	/**
	 * Creates the checks.
	 * @param relay connections as the relay's user
	 * @param queries access to the outbox database
	 * @param table the outbox table and its publication
	 */
	RelayChecks(JdbcTemplate relay, JdbcTemplate queries, OutboxTable table) {
		this.relay = relay;
		this.queries = queries;
		this.table = table;
	}

	/**
	 * Checks logical replication and the relay user's privilege.
	 * @throws RelayConfigurationException if one is missing
	 */
	void verifyDatabase() {
		String walLevel = this.queries.queryForObject("SHOW wal_level", String.class);
		if (!"logical".equals(walLevel)) {
			throw new RelayConfigurationException("The relay needs logical replication, but the database server runs with "
					+ "wal_level=" + walLevel + ".",
					"Set wal_level = logical in postgresql.conf (or run ALTER SYSTEM SET wal_level = logical) and restart "
							+ "PostgreSQL. Managed services have a parameter for it, for example rds.logical_replication "
							+ "on Amazon RDS.");
		}
		List<String> denied = this.relay.queryForList("""
				SELECT current_user::text FROM pg_roles r WHERE r.rolname = current_user
				  AND NOT r.rolreplication AND NOT r.rolsuper
				  AND NOT EXISTS (SELECT 1 FROM pg_roles m WHERE m.rolname IN ('rds_replication', 'rds_superuser')
				                  AND pg_has_role(current_user, m.oid, 'member'))""", String.class);
		if (!denied.isEmpty()) {
			throw noReplicationPrivilege(denied.get(0), "stream from a replication slot", null);
		}
	}

	/**
	 * Throws what is wrong with a publication that is not usable.
	 * @param publication the publication's state
	 * @throws RelayConfigurationException unless it is usable
	 */
	void verifyPublication(Publication publication) {
		String name = this.table.publication();
		String create = "CREATE PUBLICATION \"" + name + "\" FOR TABLE " + this.table.qualifiedName() + ", "
				+ this.table.qualifiedSignalName() + " WITH (publish = 'insert')";
		if (!publication.exists()) {
			throw new RelayConfigurationException("The publication '" + name + "' does not exist: PostgreSQL would not "
					+ "pass the outbox's inserts to the relay, and events written meanwhile would be skipped.",
					"Create it again (" + create + "; add publish_via_partition_root = true for the partitions cleanup "
							+ "strategy). The relay resumes by itself and replays from the outbox table what was "
							+ "written while the publication was missing.");
		}
		if (!publication.coversTable() || !publication.coversSignalTable()) {
			String missing = !publication.coversTable() ? this.table.qualifiedName() : this.table.qualifiedSignalName();
			throw new RelayConfigurationException("The publication '" + name + "' does not cover " + missing
					+ ": its inserts would not reach the relay" + (!publication.coversTable() ? "."
							: ", and no replay could be asked for."),
					"Add it (ALTER PUBLICATION \"" + name + "\" ADD TABLE " + missing
							+ "), or set outbox.table.publication to the publication that covers it. The relay resumes "
							+ "by itself and replays what was written meanwhile.");
		}
		if (!publication.publishesInserts()) {
			throw new RelayConfigurationException("The publication '" + name + "' does not publish inserts: the outbox's "
					+ "events would not reach the relay.",
					"Run ALTER PUBLICATION \"" + name + "\" SET (publish = 'insert').");
		}
	}

	/**
	 * Reads the state of the publication.
	 * @return its state
	 */
	Publication publication() {
		List<Publication> publications = this.queries.query("""
				SELECT p.pubinsert, p.oid::bigint,
				       p.puballtables OR EXISTS (SELECT 1 FROM pg_publication_tables t WHERE t.pubname = p.pubname
				           AND coalesce(pg_partition_root(format('%I.%I', t.schemaname, t.tablename)::regclass),
				                        format('%I.%I', t.schemaname, t.tablename)::regclass) = to_regclass(?)),
				       p.puballtables OR EXISTS (SELECT 1 FROM pg_publication_tables t WHERE t.pubname = p.pubname
				           AND format('%I.%I', t.schemaname, t.tablename)::regclass = to_regclass(?))
				FROM pg_publication p WHERE p.pubname = ?""",
				(row, number) -> new Publication(true, row.getBoolean(3), row.getBoolean(4), row.getBoolean(1),
						row.getLong(2)),
				this.table.qualifiedName(), this.table.qualifiedSignalName(), this.table.publication());
		return publications.isEmpty() ? new Publication(false, false, false, false, null) : publications.get(0);
	}

	static RelayConfigurationException noReplicationPrivilege(String user, String what, @Nullable Throwable cause) {
		return new RelayConfigurationException("The user '" + user + "' may not " + what
				+ ": it lacks the REPLICATION attribute.",
				"Give it the attribute (ALTER ROLE " + user + " REPLICATION; on Amazon RDS, GRANT rds_replication TO "
						+ user + "), or set outbox.relay.debezium.database.user and .password to a user that has it.",
				cause);
	}

	static @Nullable String sqlState(DataAccessException ex) {
		return (ex.getMostSpecificCause() instanceof SQLException sql) ? sql.getSQLState() : null;
	}

	/**
	 * The state of the outbox's publication.
	 *
	 * @param exists whether it exists
	 * @param coversTable whether it covers the outbox table
	 * @param coversSignalTable whether it covers Debezium's signal table, through which replays
	 * are asked for
	 * @param publishesInserts whether it publishes inserts
	 * @param oid its object id, which changes when it is dropped and created again
	 */
	record Publication(boolean exists, boolean coversTable, boolean coversSignalTable, boolean publishesInserts,
			@Nullable Long oid) {

		boolean usable() {
			return this.exists && this.coversTable && this.coversSignalTable && this.publishesInserts;
		}

	}

}
