package io.github.outbox.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;

/**
 * Makes sure the relay's logical replication slot exists before the application can publish:
 * the slot keeps every change committed after its creation until the relay has read it, so
 * events written before the relay's first start are not missed.
 * <p>
 * A database initializer (see {@link ReplicationSlotDetector}): the publisher, which depends
 * on database initialization, is created after it.
 */
final class ReplicationSlot implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(ReplicationSlot.class);

	private static final String PLUGIN = "pgoutput";

	private final RelayDatabase database;

	private final String name;

	ReplicationSlot(RelayDatabase database, String name) {
		this.database = database;
		this.name = name;
	}

	@Override
	public void afterPropertiesSet() {
		try (Connection connection = this.database.connect("slot")) {
			checkWalLevel(connection);
			if (!exists(connection)) {
				create(connection);
			}
		}
		catch (SQLException ex) {
			throw new RelayConfigurationException("The relay could not check its replication slot '" + this.name + "' on "
					+ this.database + ": " + ex.getMessage(),
					"Make sure the database is reachable and the relay's user may connect to it.", ex);
		}
	}

	private void checkWalLevel(Connection connection) throws SQLException {
		String walLevel = queryString(connection, "SHOW wal_level");
		if (!"logical".equals(walLevel)) {
			throw new RelayConfigurationException("The relay needs logical replication, but the database server runs with "
					+ "wal_level=" + walLevel + ".",
					"Set wal_level = logical in postgresql.conf (or run ALTER SYSTEM SET wal_level = logical) and restart "
							+ "PostgreSQL. Managed services have a parameter for it, for example rds.logical_replication "
							+ "on Amazon RDS.");
		}
	}

	private boolean exists(Connection connection) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement(
				"SELECT plugin, database FROM pg_replication_slots WHERE slot_name = ?")) {
			query.setString(1, this.name);
			try (ResultSet slot = query.executeQuery()) {
				if (!slot.next()) {
					return false;
				}
				String plugin = slot.getString(1);
				String slotDatabase = slot.getString(2);
				if (!PLUGIN.equals(plugin) || !this.database.database().equals(slotDatabase)) {
					throw new RelayConfigurationException("The replication slot '" + this.name + "' exists but belongs to "
							+ "another consumer (plugin " + plugin + ", database " + slotDatabase + ").",
							"Set outbox.relay.slot-name to a slot of its own for the relay.");
				}
				return true;
			}
		}
	}

	private void create(Connection connection) throws SQLException {
		try (PreparedStatement create = connection
			.prepareStatement("SELECT pg_create_logical_replication_slot(?, '" + PLUGIN + "')")) {
			create.setString(1, this.name);
			create.execute();
			logger.info("Created replication slot '{}' for the outbox relay", this.name);
		}
		catch (SQLException ex) {
			if ("42710".equals(ex.getSQLState())) {
				// Another instance created it at the same moment.
				return;
			}
			if ("42501".equals(ex.getSQLState())) {
				throw new RelayConfigurationException("The user '" + this.database.user() + "' may not create the "
						+ "replication slot '" + this.name + "': " + ex.getMessage(),
						"Give it the REPLICATION attribute (ALTER ROLE " + this.database.user() + " REPLICATION), or set "
								+ "outbox.relay.debezium.database.user and .password to a user that has it.",
						ex);
			}
			throw ex;
		}
	}

	private static String queryString(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

}
