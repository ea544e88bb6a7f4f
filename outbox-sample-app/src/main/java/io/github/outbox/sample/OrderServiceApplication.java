package io.github.outbox.sample;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;

/**
 * An order service that publishes its domain events through the transactional outbox, and a
 * projection of those events read back from Kafka.
 * <p>
 * Run it with nothing installed: {@code outbox-dev-services} starts an embedded PostgreSQL and
 * Kafka unless {@code spring.datasource.url} and {@code spring.kafka.bootstrap-servers} name
 * real ones (see {@code application-external.properties}).
 */
@SpringBootApplication
public class OrderServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(OrderServiceApplication.class, args);
	}

	// The service owns the topic of its events; partitions spread orders while each order's
	// events stay in one partition, in order.
	@Bean
	NewTopic orderEventsTopic() {
		return TopicBuilder.name("outbox.event.order").partitions(3).build();
	}

}
