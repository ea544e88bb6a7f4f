package io.github.outbox.relay;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.UnsupportedDataSourcePropertyException;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.ClassUtils;

/**
 * Where and as whom the relay connects to PostgreSQL: the application's database, as its
 * {@link JdbcConnectionDetails} give it, unless {@code outbox.relay.debezium.database.*}
 * properties say otherwise (typically a user with the REPLICATION attribute).
 *
 * @param jdbcUrl the JDBC URL of the relay's own connections (leadership, slot, position)
 * @param host the host Debezium connects to
 * @param port the port Debezium connects to
 * @param database the database name
 * @param user the user name
 * @param password the password, if any
 * @param sslMode the {@code sslmode} of the JDBC URL, if any
 * @param applicationsServer whether it is the server and database of the application's data
 * source, whose URL and its parameters the relay then keeps
 */
record RelayDatabase(String jdbcUrl, String host, int port, String database, String user, @Nullable String password,
		@Nullable String sslMode, boolean applicationsServer) {

	private static final String HIKARI = "com.zaxxer.hikari.HikariDataSource";

	// How long a position write waits for a connection before it fails (and is retried).
	private static final Duration POSITION_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

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
		String jdbcUrl = sameServer ? url : "jdbc:postgresql://" + host + ":" + port + "/" + database;
		return new RelayDatabase(jdbcUrl, host, port, database, user, password, parsed.getProperty("sslmode"),
				sameServer);
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
				debezium.get("database.user"), debezium.get("database.password"), debezium.get("database.sslmode"), false);
	}

	/**
	 * Returns the relay's own connections, unpooled: derived from the application's data source
	 * the way Spring Boot derives Flyway's, with the relay's user. Each connection is a session
	 * of its own, as advisory locks and slot operations need.
	 * @param application the application's data source, if any
	 * @return the data source
	 */
	DataSource dataSource(@Nullable DataSource application) {
		SimpleDriverDataSource dataSource = derive(application, false);
		dataSource.setConnectionProperties(connectionProperties());
		return dataSource;
	}

	/**
	 * Returns the connections the relay keeps its position with: a small pool of its own
	 * (HikariCP where it is present) that gives up within seconds when the server refuses
	 * connections. The position is written while Debezium's replication connection waits for
	 * it, and PostgreSQL's fast shutdown waits for that connection: behind the application's
	 * pool, which waits 30 seconds for a connection by default, a restart took 45 seconds. On the
	 * application's database it connects with the application's credentials (the position table
	 * is the application's, like the outbox), elsewhere with the relay's.
	 * @param application the application's data source, if any
	 * @return the data source, to be closed with the relay
	 */
	DataSource positionDataSource(@Nullable DataSource application) {
		SimpleDriverDataSource unpooled = derive(application, true);
		if (!ClassUtils.isPresent(HIKARI, RelayDatabase.class.getClassLoader())) {
			return unpooled;
		}
		try {
			DataSource pool = (DataSource) ClassUtils.forName(HIKARI, RelayDatabase.class.getClassLoader())
				.getDeclaredConstructor()
				.newInstance();
			BeanWrapper settings = new BeanWrapperImpl(pool);
			settings.setPropertyValue("jdbcUrl", unpooled.getUrl());
			settings.setPropertyValue("username", unpooled.getUsername());
			settings.setPropertyValue("password", unpooled.getPassword());
			settings.setPropertyValue("poolName", "outbox-relay-position");
			settings.setPropertyValue("maximumPoolSize", 2);
			settings.setPropertyValue("minimumIdle", 1);
			settings.setPropertyValue("connectionTimeout", POSITION_CONNECTION_TIMEOUT.toMillis());
			settings.setPropertyValue("dataSourceProperties", connectionProperties());
			return pool;
		}
		catch (ReflectiveOperationException ex) {
			return unpooled;
		}
	}

	// The application's data source with the relay's credentials, or with its own (the
	// position table is the application's, like the outbox); by URL if Spring Boot cannot read it.
	private SimpleDriverDataSource derive(@Nullable DataSource application, boolean applicationsCredentials) {
		if (application != null && this.applicationsServer) {
			try {
				DataSourceBuilder<SimpleDriverDataSource> builder = DataSourceBuilder.derivedFrom(application)
					.type(SimpleDriverDataSource.class);
				return applicationsCredentials ? builder.build()
						: builder.username(this.user).password(this.password).build();
			}
			catch (UnsupportedDataSourcePropertyException | IllegalStateException ex) {
				// A data source of a kind Spring Boot cannot read: connect by URL instead.
			}
		}
		return DataSourceBuilder.create(RelayDatabase.class.getClassLoader())
			.type(SimpleDriverDataSource.class)
			.driverClassName(Driver.class.getName())
			.url(this.jdbcUrl)
			.username(this.user)
			.password(this.password)
			.build();
	}

	private static Properties connectionProperties() {
		Properties properties = new Properties();
		properties.setProperty("ApplicationName", "outbox-relay");
		// A peer that vanished without closing its connection must not hold a session for long.
		properties.setProperty("tcpKeepAlive", "true");
		return properties;
	}

	@Override
	public String toString() {
		// Never the password.
		return this.user + "@" + this.host + ":" + this.port + "/" + this.database;
	}

}
