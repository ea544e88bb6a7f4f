package io.github.outbox.sample;

import java.math.BigDecimal;
import java.util.Map;

import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.sample.order.Order;
import io.github.outbox.sample.order.OrderRepository;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample service with nothing but the starter: placing an order writes its event to the
 * outbox table in the same transaction.
 */
@SpringBootTest
class OrderServiceApplicationTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.shared().createDatabase("sample");
		registry.add("spring.datasource.url", database::jdbcUrl);
		registry.add("spring.datasource.username", database::username);
	}

	@Autowired
	private OrderRepository orders;

	@Autowired
	private TransactionTemplate transaction;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Test
	void placingAnOrderWritesOrderPlacedToTheOutbox() {
		Order order = this.transaction.execute((status) -> this.orders.save(Order.place("alice", new BigDecimal("9.99"))));
		Map<String, Object> row = this.jdbcTemplate
			.queryForMap("SELECT aggregatetype, aggregateid, type, payload->>'customer' AS customer FROM outbox_event");
		assertThat(row).containsEntry("aggregatetype", "order")
			.containsEntry("aggregateid", order.getId().toString())
			.containsEntry("type", "OrderPlaced")
			.containsEntry("customer", "alice");
	}

}
