package io.github.outbox.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An order service that publishes its domain events through the transactional outbox.
 * <p>
 * A skeleton for now: its order model and events show how a service uses the starter. It
 * becomes runnable end to end (embedded PostgreSQL and Kafka, REST API, a projection fed
 * from Kafka) with the sample-app issue.
 */
@SpringBootApplication
public class OrderServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(OrderServiceApplication.class, args);
	}

}
