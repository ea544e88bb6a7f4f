package io.github.outbox.relay;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RelayDatabaseTests {

	@Test
	void derivedFromTheApplicationsDataSource() {
		RelayDatabase database = RelayDatabase.of(details("jdbc:postgresql://db.internal:6543/orders?sslmode=require", "app", "pw"),
				Map.of());
		assertThat(database.host()).isEqualTo("db.internal");
		assertThat(database.port()).isEqualTo(6543);
		assertThat(database.database()).isEqualTo("orders");
		assertThat(database.user()).isEqualTo("app");
		assertThat(database.password()).isEqualTo("pw");
		assertThat(database.sslMode()).isEqualTo("require");
		assertThat(database.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/orders?sslmode=require");
	}

	@Test
	void debeziumPropertiesOverrideTheUserAndTheServer() {
		RelayDatabase database = RelayDatabase.of(details("jdbc:postgresql://db/orders", "app", "pw"),
				Map.of("database.user", "replicator", "database.password", "secret", "database.hostname", "primary"));
		assertThat(database.user()).isEqualTo("replicator");
		assertThat(database.password()).isEqualTo("secret");
		assertThat(database.port()).isEqualTo(5432);
		assertThat(database.jdbcUrl()).isEqualTo("jdbc:postgresql://primary:5432/orders");
	}

	@Test
	void severalHostsAreRefused() {
		assertThatExceptionOfType(RelayConfigurationException.class)
			.isThrownBy(() -> RelayDatabase.of(details("jdbc:postgresql://a:5432,b:5432/orders", "app", "pw"), Map.of()))
			.withMessageContaining("several hosts");
	}

	@Test
	void nonPostgresUrlIsRefused() {
		assertThatExceptionOfType(RelayConfigurationException.class)
			.isThrownBy(() -> RelayDatabase.of(details("jdbc:h2:mem:test", "sa", ""), Map.of()))
			.withMessageContaining("not a PostgreSQL JDBC URL");
	}

	@Test
	void withoutConnectionDetailsTheDebeziumPropertiesAreRequired() {
		assertThatExceptionOfType(RelayConfigurationException.class).isThrownBy(() -> RelayDatabase.of(null, Map.of()))
			.withMessageContaining("outbox.relay.debezium.database.hostname");
		assertThat(RelayDatabase.of(null, Map.of("database.hostname", "db", "database.dbname", "orders",
				"database.user", "relay")).jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/orders");
	}

	@Test
	void descriptionNeverShowsThePassword() {
		assertThat(RelayDatabase.of(details("jdbc:postgresql://db/orders", "app", "s3cret"), Map.of()))
			.hasToString("app@db:5432/orders")
			.extracting(Object::toString)
			.asString()
			.doesNotContain("s3cret");
	}

	private static JdbcConnectionDetails details(String url, String user, String password) {
		return new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return user;
			}

			@Override
			public String getPassword() {
				return password;
			}

			@Override
			public String getJdbcUrl() {
				return url;
			}

		};
	}

}
