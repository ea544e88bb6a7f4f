package io.github.outbox.publish.jpa;

import java.util.List;
import java.util.UUID;

import io.github.outbox.OutboxEventException;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.publish.jpa.OrderEvents.OrderCancelled;
import io.github.outbox.publish.jpa.OrderEvents.OrderPlaced;
import io.github.outbox.testsupport.JdbcRecorder;
import io.github.outbox.testsupport.OutboxRows;
import io.github.outbox.testsupport.OutboxRows.Row;
import io.github.outbox.testsupport.TestDatabase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The write path with JPA ({@link JpaTransactionManager}) and Spring Data domain events,
 * against a real PostgreSQL.
 */
@SpringBootTest(classes = JpaOutboxIntegrationTests.TestApplication.class)
class JpaOutboxIntegrationTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry, "jpa_outbox");
	}

	@Autowired
	private OrderRepository orders;

	@Autowired
	private OutboxPublisher outbox;

	@Autowired
	private EntityManager entityManager;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Autowired
	private JdbcRecorder jdbcRecorder;

	@Autowired
	private EntityManagerFactory entityManagerFactory;

	@Autowired
	private ApplicationEventPublisher applicationEvents;

	private TransactionTemplate transaction;

	@BeforeEach
	void startClean() {
		this.jdbcTemplate.update("DELETE FROM orders");
		OutboxRows.deleteAll(this.jdbcTemplate);
		this.jdbcRecorder.clear();
		this.transaction = new TransactionTemplate(this.transactionManager);
	}

	@Test
	void savingAnAggregateWritesItsDomainEventInTheSameTransaction() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> this.orders.save(Order.place(orderId, "alice")));

		Row row = singleRow();
		assertThat(row.aggregateType()).isEqualTo("order");
		assertThat(row.aggregateId()).isEqualTo(orderId.toString());
		assertThat(row.type()).isEqualTo("OrderPlaced");
		assertThat(row.payload()).isEqualTo("{\"orderId\": \"" + orderId + "\", \"customer\": \"alice\"}");
		assertThat(row.transactionId()).isEqualTo(transactionIdOfOrder(orderId));
	}

	@Test
	void domainEventsOfOneSaveAreWrittenInOneStatementWithTheCommit() {
		UUID orderId = UUID.randomUUID();
		this.transaction
			.executeWithoutResult((status) -> this.orders.save(Order.place(orderId, "bob").cancel("changed mind")));
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::type)
			.containsExactly("OrderPlaced", "OrderCancelled");
		assertThat(this.jdbcRecorder.executionsOf("outbox_event")).containsExactly("update and commit");
	}

	@Test
	void rolledBackTransactionWritesNeitherTheAggregateNorItsEvents() {
		UUID orderId = UUID.randomUUID();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
				this.orders.save(Order.place(orderId, "carol"));
				throw new IllegalStateException("payment refused");
			}));
		assertThat(this.orders.count()).isZero();
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void publisherWritesOnTheConnectionOfTheEntityManager() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			this.entityManager.persist(Order.place(orderId, "dave"));
			this.outbox.publish(new OrderPlaced(orderId, "dave"));
		});
		assertThat(singleRow().transactionId()).isEqualTo(transactionIdOfOrder(orderId));
	}

	@Test
	void badDomainEventRollsBackTheAggregate() {
		String hugeReason = "x".repeat(600 * 1024);
		assertThatExceptionOfType(OutboxEventException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult(
					(status) -> this.orders.save(Order.place(UUID.randomUUID(), "eve").cancel(hugeReason))))
			.withMessageContaining(OrderCancelled.class.getName())
			.withMessageContaining("more than outbox.publish.max-payload-size");
		assertThat(this.orders.count()).isZero();
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void savingOutsideATransactionWritesTheEventInTheRepositorysOwnTransaction() {
		UUID orderId = UUID.randomUUID();
		this.orders.save(Order.place(orderId, "frank"));
		assertThat(singleRow().transactionId()).isEqualTo(transactionIdOfOrder(orderId));
	}

	@Test
	void eventFirstPublishedByABeforeCommitListenerIsWrittenWithTheAggregate() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			this.entityManager.persist(Order.place(orderId, "gina"));
			this.applicationEvents.publishEvent(new ShipBeforeCommit(orderId));
		});
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::type).containsExactly("OrderCancelled");
		assertThat(singleRow().transactionId()).isEqualTo(transactionIdOfOrder(orderId));
	}

	@Test
	void jpaTransactionManagerCreatedOutsideTheContextWritesAtomically() {
		TransactionTemplate outside = new TransactionTemplate(new JpaTransactionManager(this.entityManagerFactory));
		UUID saved = UUID.randomUUID();
		outside.executeWithoutResult((status) -> this.orders.save(Order.place(saved, "hank").cancel("moved")));
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::type)
			.containsExactly("OrderPlaced", "OrderCancelled");
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::transactionId)
			.containsOnly(transactionIdOfOrder(saved));

		UUID shipped = UUID.randomUUID();
		outside.executeWithoutResult((status) -> {
			this.entityManager.persist(Order.place(shipped, "ida"));
			this.applicationEvents.publishEvent(new ShipBeforeCommit(shipped));
		});
		assertThat(OutboxRows.all(this.jdbcTemplate)).filteredOn((row) -> row.aggregateId().equals(shipped.toString()))
			.singleElement()
			.satisfies((row) -> assertThat(row.transactionId()).isEqualTo(transactionIdOfOrder(shipped)));

		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> outside.executeWithoutResult((status) -> {
			this.orders.save(Order.place(UUID.randomUUID(), "jack"));
			throw new IllegalStateException("payment refused");
		}));
		assertThat(this.orders.count()).isEqualTo(2);
		assertThat(OutboxRows.all(this.jdbcTemplate)).hasSize(3);
	}

	@Test
	void publishingFromAnAfterCommitCallbackIsRefusedAndWritesNothing() {
		UUID orderId = UUID.randomUUID();
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
				this.entityManager.persist(Order.place(orderId, "kim"));
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCommit() {
						JpaOutboxIntegrationTests.this.outbox.publish(new OrderCancelled(orderId, "too late"));
					}

				});
			}))
			.withMessageContaining("already committed or is completing");
		assertThat(this.orders.count()).isOne();
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	private Row singleRow() {
		List<Row> rows = OutboxRows.all(this.jdbcTemplate);
		assertThat(rows).hasSize(1);
		return rows.get(0);
	}

	private String transactionIdOfOrder(UUID orderId) {
		return this.jdbcTemplate.queryForObject("SELECT xmin::text FROM orders WHERE id = ?", String.class, orderId);
	}

	record ShipBeforeCommit(UUID orderId) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		static JdbcRecorder jdbcRecorder() {
			return new JdbcRecorder();
		}

		@Bean
		BeforeCommitListener beforeCommitListener(OutboxPublisher outbox) {
			return new BeforeCommitListener(outbox);
		}

	}

	static class BeforeCommitListener {

		private final OutboxPublisher outbox;

		BeforeCommitListener(OutboxPublisher outbox) {
			this.outbox = outbox;
		}

		@TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
		public void ship(ShipBeforeCommit event) {
			this.outbox.publish(new OrderCancelled(event.orderId(), "shipped elsewhere"));
		}

	}

}
