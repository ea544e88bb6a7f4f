package io.github.outbox.relay;

import java.sql.SQLException;
import java.util.List;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the database must offer before the relay can stream, checked as the relay's own user:
 * logical replication, the REPLICATION attribute, and a publication that covers the outbox
 * table and publishes its inserts. Each failed check says what to change.
 */
final class RelayChecks {

	private final JdbcTemplate jdbc;

	private final OutboxTable table;

	private final String user;

	/**
	 * Creates the checks.
	 * @param jdbc access to the outbox database
	 * @param table the outbox table and its publication
	 * @param user the user the relay streams as
	 */
	RelayChecks(JdbcTemplate jdbc, OutboxTable table, String user) {
		this.jdbc = jdbc;
		this.table = table;
		this.user = user;
	}

	/**
	 * Runs every check.
	 * @return the state of the publication, for telling when it was recreated
	 * @throws RelayConfigurationException if one fails
	 */
	Publication verify() {
		verifyWalLevel();
		verifyReplicationPrivilege();
		return verifyPublication();
	}

	private void verifyWalLevel() {
		String walLevel = this.jdbc.queryForObject("SHOW wal_level", String.class);
		if (!"logical".equals(walLevel)) {
			throw new RelayConfigurationException("The relay needs logical replication, but the database server runs with "
					+ "wal_level=" + walLevel + ".",
					"Set wal_level = logical in postgresql.conf (or run ALTER SYSTEM SET wal_level = logical) and restart "
							+ "PostgreSQL. Managed services have a parameter for it, for example rds.logical_replication "
							+ "on Amazon RDS.");
		}
	}

	private void verifyReplicationPrivilege() {
		List<Boolean> allowed = this.jdbc.queryForList(
				"SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = ?", Boolean.class, this.user);
		if (!allowed.contains(Boolean.TRUE)) {
			throw noReplicationPrivilege(this.user, "stream from a replication slot", null);
		}
	}

	/**
	 * Checks that the publication exists, covers the outbox table and publishes inserts.
	 * @return its state
	 * @throws RelayConfigurationException if it does not
	 */
	Publication verifyPublication() {
		Publication publication = publication();
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
		if (!publication.coversTable()) {
			throw new RelayConfigurationException("The publication '" + name + "' does not cover the outbox table "
					+ this.table.qualifiedName() + ": its inserts would not reach the relay.",
					"Add it (ALTER PUBLICATION \"" + name + "\" ADD TABLE " + this.table.qualifiedName()
							+ "), or set outbox.table.publication to the publication that covers it.");
		}
		if (!publication.publishesInserts()) {
			throw new RelayConfigurationException("The publication '" + name + "' does not publish inserts: the outbox's "
					+ "events would not reach the relay.",
					"Run ALTER PUBLICATION \"" + name + "\" SET (publish = 'insert').");
		}
		return publication;
	}

	/**
	 * Reads the state of the publication.
	 * @return its state
	 */
	Publication publication() {
		List<Publication> publications = this.jdbc.query("""
				SELECT p.pubinsert,
				       p.puballtables OR EXISTS (SELECT 1 FROM pg_publication_tables t WHERE t.pubname = p.pubname
				           AND coalesce(pg_partition_root(format('%I.%I', t.schemaname, t.tablename)::regclass),
				                        format('%I.%I', t.schemaname, t.tablename)::regclass) = to_regclass(?)),
				       p.oid::bigint
				FROM pg_publication p WHERE p.pubname = ?""",
				(row, number) -> new Publication(true, row.getBoolean(2), row.getBoolean(1), row.getLong(3)),
				this.table.qualifiedName(), this.table.publication());
		return publications.isEmpty() ? new Publication(false, false, false, null) : publications.get(0);
	}

	static RelayConfigurationException noReplicationPrivilege(String user, String what, @Nullable Throwable cause) {
		return new RelayConfigurationException("The user '" + user + "' may not " + what
				+ ": it lacks the REPLICATION attribute.",
				"Give it the attribute (ALTER ROLE " + user + " REPLICATION), or set outbox.relay.debezium.database.user and "
						+ ".password to a user that has it.",
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
	 * @param publishesInserts whether it publishes inserts
	 * @param oid its object id, which changes when it is dropped and created again
	 */
	record Publication(boolean exists, boolean coversTable, boolean publishesInserts, @Nullable Long oid) {

		boolean usable() {
			return this.exists && this.coversTable && this.publishesInserts;
		}

	}

}
