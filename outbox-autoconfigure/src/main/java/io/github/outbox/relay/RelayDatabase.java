package io.github.outbox.relay;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Where and as whom the relay connects to PostgreSQL: the application's database, as its
 * {@link JdbcConnectionDetails} give it, unless {@code outbox.relay.debezium.database.*}
 * properties say otherwise (typically a user with the REPLICATION attribute).
 *
 * @param jdbcUrl the JDBC URL for the relay's own connections (slot, failover lock)
 * @param host the host Debezium connects to
 * @param port the port Debezium connects to
 * @param database the database name
 * @param user the user name
 * @param password the password, if any
 * @param sslMode the {@code sslmode} of the JDBC URL, if any
 */
record RelayDatabase(String jdbcUrl, String host, int port, String database, String user, @Nullable String password,
		@Nullable String sslMode) {

	static RelayDatabase of(@Nullable JdbcConnectionDetails connectionDetails, Map<String, String> debezium) {
		if (connectionDetails == null) {
			return fromDebeziumProperties(debezium);
		}
		String url = connectionDetails.getJdbcUrl();
		Properties parsed = Driver.parseURL(url, null);
		if (parsed == null) {
			throw new RelayConfigurationException("The data source URL is not a PostgreSQL JDBC URL, so the relay cannot "
					+ "derive where Debezium should connect.",
					"Use a jdbc:postgresql:// URL, or set outbox.relay.debezium.database.hostname, .port, .dbname, "
							+ ".user and .password.");
		}
		String host = debezium.getOrDefault("database.hostname", parsed.getProperty("PGHOST"));
		if (host.contains(",")) {
			throw new RelayConfigurationException("The data source URL names several hosts (" + host
					+ "); Debezium streams from one server.",
					"Set outbox.relay.debezium.database.hostname (and .port) to the primary.");
		}
		int port = Integer.parseInt(debezium.getOrDefault("database.port", parsed.getProperty("PGPORT", "5432")));
		String database = debezium.getOrDefault("database.dbname", parsed.getProperty("PGDBNAME"));
		String user = debezium.getOrDefault("database.user", connectionDetails.getUsername());
		String password = debezium.getOrDefault("database.password", connectionDetails.getPassword());
		boolean sameServer = !debezium.containsKey("database.hostname") && !debezium.containsKey("database.port")
				&& !debezium.containsKey("database.dbname");
		// Keep the application's URL (and its SSL and other parameters) when it is the same server.
		String jdbcUrl = sameServer ? url : "jdbc:postgresql://" + host + ":" + port + "/" + database;
		return new RelayDatabase(jdbcUrl, host, port, database, user, password, parsed.getProperty("sslmode"));
	}

	private static RelayDatabase fromDebeziumProperties(Map<String, String> debezium) {
		for (String required : new String[] { "database.hostname", "database.dbname", "database.user" }) {
			if (!debezium.containsKey(required)) {
				throw new RelayConfigurationException("The relay cannot tell where to connect: the application's "
						+ "DataSource was not configured by Spring Boot, and outbox.relay.debezium." + required + " is not set.",
						"Set outbox.relay.debezium.database.hostname, .port, .dbname, .user and .password.");
			}
		}
		String host = debezium.get("database.hostname");
		int port = Integer.parseInt(debezium.getOrDefault("database.port", "5432"));
		String database = debezium.get("database.dbname");
		return new RelayDatabase("jdbc:postgresql://" + host + ":" + port + "/" + database, host, port, database,
				debezium.get("database.user"), debezium.get("database.password"), debezium.get("database.sslmode"));
	}

	Connection connect(String purpose) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", this.user);
		if (this.password != null) {
			properties.setProperty("password", this.password);
		}
		properties.setProperty("ApplicationName", "outbox-relay " + purpose);
		// A dead peer must not hold the failover lock for long.
		properties.setProperty("tcpKeepAlive", "true");
		return DriverManager.getConnection(this.jdbcUrl, properties);
	}

	@Override
	public String toString() {
		// Never the password.
		return this.user + "@" + this.host + ":" + this.port + "/" + this.database;
	}

}
