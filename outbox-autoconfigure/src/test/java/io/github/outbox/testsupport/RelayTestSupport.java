package io.github.outbox.testsupport;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.devservices.EmbeddedKafkaServer;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What each relay test needs to itself on the shared PostgreSQL and Kafka: a database, a
 * replication slot (slot names are server-wide) and event topics.
 *
 * @param database the database
 * @param name the prefix of the slot and topic names
 * @param bootstrapServers the Kafka to relay to
 */
public record RelayTestSupport(Database database, String name, String bootstrapServers) {

	public static RelayTestSupport create(String prefix) {
		return create(prefix, EmbeddedKafkaServer.shared().bootstrapServers());
	}

	public static RelayTestSupport create(String prefix, String bootstrapServers) {
		Database database = TestDatabase.create(prefix);
		return new RelayTestSupport(database, database.name(), bootstrapServers);
	}

	public String topic(String aggregateType) {
		return this.name + "." + aggregateType;
	}

	public Pattern topics() {
		return Pattern.compile(Pattern.quote(this.name) + "\\..*");
	}

	public String slotName() {
		return this.name + "_slot";
	}

	public String[] properties() {
		return new String[] { "spring.datasource.url=" + this.database.jdbcUrl(),
				"spring.datasource.username=" + this.database.username(), "spring.kafka.bootstrap-servers=" + this.bootstrapServers,
				"outbox.relay.enabled=true", "outbox.relay.slot-name=" + slotName(),
				"outbox.relay.topic=" + this.name + ".${routedByValue}",
				// Debezium names its JMX beans after the topic prefix; test contexts share a JVM.
				"outbox.relay.debezium.topic.prefix=" + this.name, "outbox.relay.failover.check-interval=500ms", "outbox.relay.monitor.interval=500ms", "outbox.relay.retry.initial-delay=200ms",
				"outbox.relay.retry.max-delay=2s" };
	}

	public void register(DynamicPropertyRegistry registry) {
		for (String property : properties()) {
			int equals = property.indexOf('=');
			registry.add(property.substring(0, equals), () -> property.substring(equals + 1));
		}
	}

	/**
	 * Publishes events with random aggregate ids, each in a transaction of its own.
	 * @param context the application
	 * @param aggregateType the aggregate type of every event
	 * @param count how many
	 * @return the aggregate ids, which become the record keys, in publication order
	 */
	public static List<String> publishEach(ApplicationContext context, String aggregateType, int count) {
		OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
		TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
		List<String> ids = IntStream.range(0, count).mapToObj((i) -> UUID.randomUUID().toString()).toList();
		ids.forEach((id) -> transaction
			.executeWithoutResult((status) -> outbox.publish(OutboxMessage.of(aggregateType, id, "Happened", Map.of()))));
		return ids;
	}

	/**
	 * Starts an application, without a web server, on this test's database, slot and topics.
	 * @param application the application's configuration class
	 * @param properties further properties, {@code name=value}
	 * @return the running application
	 */
	public ConfigurableApplicationContext start(Class<?> application, String... properties) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties(properties())
			.properties(properties)
			.run();
	}

	public KafkaRecordCollector collector() {
		return new KafkaRecordCollector(this.bootstrapServers, topics());
	}

}
