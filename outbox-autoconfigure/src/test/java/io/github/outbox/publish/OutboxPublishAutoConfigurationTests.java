package io.github.outbox.publish;

import java.sql.Connection;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxEventException;
import io.github.outbox.OutboxPayloadSerializer;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.schema.OutboxSchemaAutoConfiguration;
import io.github.outbox.schema.OutboxTable;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.OutboxRows;
import io.github.outbox.testsupport.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link OutboxPublishAutoConfiguration} and {@link OutboxSchemaAutoConfiguration}.
 */
class OutboxPublishAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication();

	@Test
	void dataSourceStaysThePoolSpringBootSeesAndHandsOutOutboxConnections() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_pool")).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(HikariDataSource.class);
			assertThat(context.getBean(HikariDataSource.class)).isSameAs(dataSource);
			// What Spring Boot's pool metrics and health read, through the proxy.
			HikariDataSource pool = DataSourceUnwrapper.unwrap(dataSource, HikariConfigMXBean.class, HikariDataSource.class);
			assertThat(pool).isNotNull();
			assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isPositive();
			assertThat(pool.getPoolName()).startsWith("HikariPool");
			try (Connection connection = dataSource.getConnection()) {
				assertThat(connection.isWrapperFor(OutboxConnection.class)).isTrue();
				assertThat(connection.unwrap(PGConnection.class)).isNotNull();
			}
		});
	}

	@Test
	void defaultsProvideThePublisherAndEverythingItNeeds() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_defaults")).run((context) -> {
			assertThat(context).hasSingleBean(OutboxPublisher.class)
				.hasSingleBean(OutboxApplicationEventListener.class)
				.hasSingleBean(OutboxDataSourcePostProcessor.class)
				.hasBean("outboxFlywayMigration")
				.hasBean("outboxMigrationsFirstCallback");
			assertThat(context).getBean(OutboxPublisher.class).isInstanceOf(TransactionalOutboxPublisher.class);
			assertThat(context).getBean(OutboxPayloadSerializer.class).isInstanceOf(JacksonOutboxPayloadSerializer.class);
			assertThat(context).getBean(OutboxTable.class)
				.isEqualTo(new OutboxTable("public", "outbox_event", "outbox_publication", "outbox_inbox", "outbox_signal", "outbox_relay_position", "outbox_event_schema"));
		});
	}

	@Test
	void payloadsAreSerializedWithTheApplicationsJsonMapper() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_json"))
			.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.run((context) -> {
				publishInTransaction(context, new CustomerRegistered("C-1", "Ada Lovelace"));
				assertThat(OutboxRows.all(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))))
					.singleElement()
					.satisfies((row) -> assertThat(row.payload())
						.isEqualTo("{\"full_name\": \"Ada Lovelace\", \"customer_number\": \"C-1\"}"));
			});
	}

	@Test
	void userPayloadSerializerReplacesTheJacksonOne() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_serializer"))
			.withBean(OutboxPayloadSerializer.class, () -> (payload) -> "{\"custom\": true}")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(JacksonOutboxPayloadSerializer.class);
				publishInTransaction(context, new CustomerRegistered("C-2", "Grace Hopper"));
				assertThat(OutboxRows.all(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))))
					.singleElement()
					.satisfies((row) -> assertThat(row.payload()).isEqualTo("{\"custom\": true}"));
			});
	}

	@Test
	void userPublisherReplacesTheDefaultOneWithoutCheckingTheTable() {
		OutboxPublisher userPublisher = mock(OutboxPublisher.class);
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_user_publisher"))
			.withPropertyValues("outbox.flyway.enabled=false")
			.withBean(OutboxPublisher.class, () -> userPublisher)
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(OutboxPublisher.class)
				.isSameAs(userPublisher));
	}

	@Test
	void userOutboxTableReplacesTheConfiguredOne() {
		OutboxTable table = new OutboxTable("public", "my_outbox", "my_publication", "outbox_inbox", "outbox_signal", "outbox_relay_position", "outbox_event_schema");
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_user_table"))
			.withBean(OutboxTable.class, () -> table)
			.run((context) -> {
				assertThat(context).hasNotFailed().getBean(OutboxTable.class).isSameAs(table);
				publishInTransaction(context, new CustomerRegistered("C-3", "Edsger Dijkstra"));
				assertThat(OutboxRows.all(new JdbcTemplate(context.getBean(javax.sql.DataSource.class)),
						table.qualifiedName()))
					.hasSize(1);
			});
	}

	@Test
	void outboxCanBeTurnedOff() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_off"))
			.withPropertyValues("outbox.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OutboxPublisher.class)
				.doesNotHaveBean(OutboxApplicationEventListener.class)
				.doesNotHaveBean(OutboxTable.class)
				.doesNotHaveBean("outboxFlywayMigration"));
	}

	@Test
	void backsOffWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OutboxSchemaAutoConfiguration.class,
					OutboxPublishAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(OutboxTable.class)
				.doesNotHaveBean(OutboxPublisher.class));
	}

	@Test
	void withoutJacksonAPayloadSerializerBeanIsNeeded() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_no_jackson"))
			.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining(OutboxPayloadSerializer.class.getName()));
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_no_jackson_user"))
			.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.withBean(OutboxPayloadSerializer.class, () -> (payload) -> "{}")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(OutboxPublisher.class));
	}

	@Test
	void withoutFlywayTheMigrationsAreNotAppliedAndTheMissingTableIsReported() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_no_flyway"))
			.withClassLoader(new FilteredClassLoader(Flyway.class))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(OutboxTableException.class)
					.hasMessage("The outbox table public.outbox_event does not exist.");
			});
	}

	@Test
	void invalidTableNameStopsTheApplicationAtBinding() {
		this.contextRunner.withPropertyValues(TestDatabase.createForProperties("auto_bad_name"))
			.withPropertyValues("outbox.table.name=Outbox-Events")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("outbox.table.name")
					.hasMessageContaining("is not a valid PostgreSQL identifier");
			});
	}

	@Test
	void payloadsFollowTheApplicationsJacksonSettingsSoThatAnEmptyBeanCanBeMadeToFail() {
		String[] database = TestDatabase.createForProperties("auto_jackson_settings");
		this.contextRunner.withPropertyValues(database).run((context) -> {
			publishInTransaction(context, new Loose("1", new Object()));
			assertThat(OutboxRows.all(new JdbcTemplate(context.getBean(DataSource.class))))
				.singleElement()
				.satisfies((row) -> assertThat(row.payload()).isEqualTo("{\"id\": \"1\", \"value\": {}}"));
		});
		this.contextRunner.withPropertyValues(database)
			.withPropertyValues("spring.jackson.serialization.fail-on-empty-beans=true")
			.run((context) -> assertThatExceptionOfType(OutboxEventException.class)
				.isThrownBy(() -> publishInTransaction(context, new Loose("2", new Object())))
				.withMessageContaining("it cannot be serialized to JSON"));
	}

	private static void publishInTransaction(AssertableApplicationContext context, Object event) {
		context.getBean(TransactionTemplate.class)
			.executeWithoutResult((status) -> context.getBean(OutboxPublisher.class).publish(event));
	}

	@OutboxEvent(aggregateType = "misc")
	record Loose(@AggregateId String id, Object value) {
	}

	@OutboxEvent(aggregateType = "customer")
	record CustomerRegistered(@AggregateId String customerNumber, String fullName) {
	}

}
