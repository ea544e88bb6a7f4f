package io.github.outbox.publish;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxEventException;
import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcRecorder;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.OutboxRows;
import io.github.outbox.testsupport.OutboxRows.Row;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The write path on plain JDBC ({@link DataSourceTransactionManager}) against a real
 * PostgreSQL: what is committed, what is not, and what each bad event reports.
 */
@SpringBootTest(classes = JdbcOutboxIntegrationTests.TestApplication.class,
		properties = "outbox.publish.max-payload-size=2KB")
class JdbcOutboxIntegrationTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry, "jdbc_outbox");
	}

	@Autowired
	private OutboxPublisher outbox;

	@Autowired
	private ApplicationEventPublisher applicationEvents;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Autowired
	private JdbcRecorder jdbcRecorder;

	@Autowired
	private LateEventListeners lateEventListeners;

	private TransactionTemplate transaction;

	@BeforeEach
	void startClean() {
		this.jdbcTemplate.update("DELETE FROM orders");
		OutboxRows.deleteAll(this.jdbcTemplate);
		this.jdbcRecorder.clear();
		this.lateEventListeners.clear();
		this.transaction = new TransactionTemplate(this.transactionManager);
	}

	@Test
	void oneStatementTransactionMakesTwoRoundTripsWithItsEvent() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insertOrder(orderId);
			this.outbox.publish(new OrderPlaced(orderId, "alice", BigDecimal.ONE));
		});
		// The business INSERT (with PgJDBC's BEGIN), then the outbox INSERT with the COMMIT.
		assertThat(this.jdbcRecorder.roundTrips()).isEqualTo(2);
		assertThat(this.jdbcRecorder.executionsOf("outbox_event")).containsExactly("update and commit");
		assertThat(OutboxRows.all(this.jdbcTemplate)).hasSize(1);
	}

	@Test
	void committedTransactionWritesTheBusinessRowAndTheEventRowInTheSameTransaction() {
		UUID orderId = UUID.randomUUID();
		LocalDateTime before = LocalDateTime.now(ZoneOffset.UTC);
		this.transaction.executeWithoutResult((status) -> {
			insertOrder(orderId);
			this.outbox.publish(new OrderPlaced(orderId, "alice", new BigDecimal("12.50")));
		});

		List<Row> rows = OutboxRows.all(this.jdbcTemplate);
		assertThat(rows).hasSize(1);
		Row row = rows.get(0);
		assertThat(row.id().version()).isEqualTo(7);
		assertThat(row.aggregateType()).isEqualTo("order");
		assertThat(row.aggregateId()).isEqualTo(orderId.toString());
		assertThat(row.type()).isEqualTo("OrderPlaced");
		assertThat(row.payload())
			.isEqualTo("{\"total\": 12.50, \"orderId\": \"" + orderId + "\", \"customer\": \"alice\"}");
		assertThat(row.headers()).isNull();
		assertThat(row.tracingSpanContext()).isNull();
		assertThat(row.createdAt()).isCloseTo(before, within(Duration.ofSeconds(10)))
			.isAfterOrEqualTo(before.minusSeconds(1));
		assertThat(row.transactionId()).isEqualTo(transactionIdOfOrder(orderId));
	}

	@Test
	void rolledBackTransactionWritesNeitherRow() {
		UUID orderId = UUID.randomUUID();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
				insertOrder(orderId);
				this.outbox.publish(new OrderPlaced(orderId, "alice", BigDecimal.ONE));
				throw new IllegalStateException("payment refused");
			}));
		assertThat(orderCount()).isZero();
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void rollbackOnlyTransactionWritesNeitherRow() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insertOrder(orderId);
			this.outbox.publish(new OrderPlaced(orderId, "alice", BigDecimal.ONE));
			status.setRollbackOnly();
		});
		assertThat(orderCount()).isZero();
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void eventsOfOneTransactionAreWrittenInOneStatementWithTheCommitInPublicationOrder() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insertOrder(orderId);
			this.outbox.publish(new OrderPlaced(orderId, "alice", BigDecimal.ONE));
			this.applicationEvents.publishEvent(new OrderCancelled(orderId, "changed mind"));
			this.outbox.publish(OutboxMessage.of("order", orderId.toString(), "OrderArchived", Map.of("at", "now")));
		});

		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::type)
			.containsExactly("OrderPlaced", "order-cancelled", "OrderArchived");
		assertThat(this.jdbcRecorder.executionsOf("outbox_event")).containsExactly("update and commit");
	}

	@Test
	void publishAllWritesEveryEventInOneStatement() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> this.outbox.publishAll(
				List.of(new OrderPlaced(orderId, "bob", BigDecimal.TEN), new OrderCancelled(orderId, "duplicate"))));
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::type)
			.containsExactly("OrderPlaced", "order-cancelled");
		assertThat(this.jdbcRecorder.executionsOf("outbox_event")).containsExactly("update and commit");
	}

	@Test
	void applicationEventPublisherWritesAnnotatedEventsAndIgnoresOthers() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			this.applicationEvents.publishEvent(new OrderCancelled(orderId, "out of stock"));
			this.applicationEvents.publishEvent(new NotAnOutboxEvent(orderId));
			this.applicationEvents.publishEvent("a plain string event");
		});
		List<Row> rows = OutboxRows.all(this.jdbcTemplate);
		assertThat(rows).singleElement().satisfies((row) -> {
			assertThat(row.type()).isEqualTo("order-cancelled");
			assertThat(row.aggregateId()).isEqualTo(orderId.toString());
			assertThat(row.payload()).isEqualTo("{\"reason\": \"out of stock\", \"orderId\": \"" + orderId + "\"}");
		});
	}

	@Test
	void explicitMessageIsWrittenWithItsHeaders() {
		this.transaction.executeWithoutResult((status) -> this.outbox.publish(OutboxMessage
			.of("invoice", "INV-7", "InvoiceIssued", Map.of("amount", 3))
			.withHeader("tenant", "acme")
			.withHeader("note", "line1\n\"quoted\"")));
		assertThat(OutboxRows.all(this.jdbcTemplate)).singleElement().satisfies((row) -> {
			assertThat(row.aggregateType()).isEqualTo("invoice");
			assertThat(row.aggregateId()).isEqualTo("INV-7");
			assertThat(row.type()).isEqualTo("InvoiceIssued");
			assertThat(row.payload()).isEqualTo("{\"amount\": 3}");
			assertThat(row.headers()).isEqualTo("{\"note\": \"line1\\n\\\"quoted\\\"\", \"tenant\": \"acme\"}");
		});
	}

	@Test
	void rollingBackToASavepointDropsOnlyTheEventsPublishedAfterIt() {
		UUID kept = UUID.randomUUID();
		UUID dropped = UUID.randomUUID();
		UUID keptAfter = UUID.randomUUID();
		TransactionTemplate nested = new TransactionTemplate(this.transactionManager);
		nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		this.transaction.executeWithoutResult((status) -> {
			insertOrder(kept);
			this.outbox.publish(new OrderPlaced(kept, "alice", BigDecimal.ONE));
			try {
				nested.executeWithoutResult((inner) -> {
					insertOrder(dropped);
					this.outbox.publish(new OrderPlaced(dropped, "bob", BigDecimal.ONE));
					throw new IllegalStateException("inner step failed");
				});
			}
			catch (IllegalStateException ex) {
				// the nested step is undone; the outer transaction goes on
			}
			insertOrder(keptAfter);
			this.outbox.publish(new OrderPlaced(keptAfter, "carol", BigDecimal.ONE));
		});
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::aggregateId)
			.containsExactly(kept.toString(), keptAfter.toString());
		assertThat(orderCount()).isEqualTo(2);
	}

	@Test
	void savepointRollbackAlsoUndoesEventsAlreadyFlushedAfterTheSavepoint() {
		int events = OutboxConnection.FLUSH_THRESHOLD + 10;
		TransactionTemplate nested = new TransactionTemplate(this.transactionManager);
		nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		UUID kept = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			this.outbox.publish(new OrderPlaced(kept, "alice", BigDecimal.ONE));
			try {
				nested.executeWithoutResult((inner) -> {
					IntStream.range(0, events)
						.forEach((i) -> this.outbox.publish(new OrderPlaced(UUID.randomUUID(), "bulk", BigDecimal.ONE)));
					throw new IllegalStateException("bulk step failed");
				});
			}
			catch (IllegalStateException ex) {
				// undone
			}
		});
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::aggregateId).containsExactly(kept.toString());
	}

	@Test
	void nestedStepThatCommitsKeepsItsEvents() {
		TransactionTemplate nested = new TransactionTemplate(this.transactionManager);
		nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		UUID first = UUID.randomUUID();
		UUID second = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			nested.executeWithoutResult((inner) -> this.outbox.publish(new OrderPlaced(first, "a", BigDecimal.ONE)));
			this.outbox.publish(new OrderPlaced(second, "b", BigDecimal.ONE));
		});
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::aggregateId)
			.containsExactly(first.toString(), second.toString());
	}

	@Test
	void innerRequiresNewTransactionCommitsItsEventsIndependently() {
		TransactionTemplate requiresNew = new TransactionTemplate(this.transactionManager);
		requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		UUID audited = UUID.randomUUID();
		UUID rolledBack = UUID.randomUUID();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
				this.outbox.publish(new OrderPlaced(rolledBack, "outer", BigDecimal.ONE));
				requiresNew.executeWithoutResult(
						(inner) -> this.outbox.publish(new OrderPlaced(audited, "inner", BigDecimal.ONE)));
				throw new IllegalStateException("outer fails");
			}));
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::aggregateId).containsExactly(audited.toString());
	}

	@Test
	void manyEventsInOneTransactionAreAllWritten() {
		int events = 2 * OutboxConnection.FLUSH_THRESHOLD + 1;
		this.transaction.executeWithoutResult((status) -> IntStream.range(0, events)
			.forEach((i) -> this.outbox.publish(new OrderPlaced(UUID.randomUUID(), "c" + i, BigDecimal.ONE))));
		List<Row> rows = OutboxRows.all(this.jdbcTemplate);
		assertThat(rows).hasSize(events);
		assertThat(rows).extracting(Row::payload).allSatisfy((payload) -> assertThat(payload).contains("\"customer\""));
		// ids increase in publication order
		assertThat(rows).extracting((row) -> row.payload().replaceAll(".*\"customer\": \"c(\\d+)\".*", "$1"))
			.map(Integer::parseInt)
			.isSorted();
	}

	@Test
	void eventsPublishedBeforeCommitByATransactionalEventListenerAreWritten() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insertOrder(orderId);
			this.applicationEvents.publishEvent(new ShipOrderBeforeCommit(orderId));
		});
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::type).containsExactly("OrderPlaced");
		assertThat(this.lateEventListeners.failures).isEmpty();
	}

	@Test
	void publishingFromAnAfterCommitListenerIsRefusedAndWritesNothing() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			insertOrder(orderId);
			this.applicationEvents.publishEvent(new ShipOrderAfterCommit(orderId));
		});
		// Spring runs AFTER_COMMIT listeners after completion and logs what they throw: the
		// refusal is that log line, and no row that could never be atomic with the order.
		assertThat(this.lateEventListeners.failures).singleElement()
			.isInstanceOf(IllegalTransactionStateException.class)
			.extracting(Throwable::getMessage)
			.asString()
			.contains(OrderPlaced.class.getName(), "already committed or is completing", "BEFORE_COMMIT");
		assertThat(orderCount()).isEqualTo(1);
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void publishingFromAnAfterCommitListenerIsRefusedAlsoWhenTheTransactionPublishedBefore() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> {
			this.outbox.publish(new OrderPlaced(orderId, "alice", BigDecimal.ONE));
			this.applicationEvents.publishEvent(new ShipOrderAfterCommit(orderId));
		});
		assertThat(this.lateEventListeners.failures).singleElement()
			.isInstanceOf(IllegalTransactionStateException.class);
		assertThat(OutboxRows.all(this.jdbcTemplate)).extracting(Row::type).containsExactly("OrderPlaced");
	}

	@Test
	void publishingFromAnAfterCommitCallbackThrowsToTheCaller() {
		UUID orderId = UUID.randomUUID();
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
				insertOrder(orderId);
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCommit() {
						JdbcOutboxIntegrationTests.this.outbox
							.publish(new OrderPlaced(orderId, "callback", BigDecimal.ONE));
					}

				});
			}))
			.withMessageContaining("already committed or is completing");
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void publishingAfterCompletionIsRefused() {
		UUID orderId = UUID.randomUUID();
		this.transaction.executeWithoutResult((status) -> this.applicationEvents
			.publishEvent(new ShipOrderAfterCompletion(orderId)));
		assertThat(this.lateEventListeners.failures).singleElement()
			.isInstanceOf(IllegalTransactionStateException.class)
			.extracting(Throwable::getMessage)
			.asString()
			.contains("already committed or is completing");
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void publishingWithoutATransactionFailsAndWritesNothing() {
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> this.outbox.publish(new OrderPlaced(UUID.randomUUID(), "alice", BigDecimal.ONE)))
			.withMessageContaining(OrderPlaced.class.getName())
			.withMessageContaining("no transaction is active")
			.withMessageContaining("has already committed without its event")
			.withMessageContaining("@Transactional");
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> this.applicationEvents.publishEvent(new OrderCancelled(UUID.randomUUID(), "none")))
			.withMessageContaining("no transaction is active");
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void publishingInATransactionThatOnlySupportsTransactionsFails() {
		TransactionTemplate supports = new TransactionTemplate(this.transactionManager);
		supports.setPropagationBehavior(TransactionDefinition.PROPAGATION_SUPPORTS);
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> supports.executeWithoutResult(
					(status) -> this.outbox.publish(new OrderPlaced(UUID.randomUUID(), "a", BigDecimal.ONE))))
			.withMessageContaining("no transaction is active");
	}

	@Test
	void publishingInATransactionOfAnotherResourceFails() {
		DataSource otherDataSource = new DelegatingDataSource(this.dataSource);
		TransactionTemplate other = new TransactionTemplate(new DataSourceTransactionManager(otherDataSource));
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> other.executeWithoutResult(
					(status) -> this.outbox.publish(new OrderPlaced(UUID.randomUUID(), "a", BigDecimal.ONE))))
			.withMessageContaining("does not manage the outbox DataSource");
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void publishingInAReadOnlyTransactionFails() {
		TransactionTemplate readOnly = new TransactionTemplate(this.transactionManager);
		readOnly.setReadOnly(true);
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> readOnly.executeWithoutResult(
					(status) -> this.outbox.publish(new OrderPlaced(UUID.randomUUID(), "a", BigDecimal.ONE))))
			.withMessageContaining("read-only");
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	@Test
	void eventWithANullAggregateIdIsRefusedAndTheTransactionRollsBack() {
		assertRefused(new OrderPlaced(null, "alice", BigDecimal.ONE), OrderPlaced.class,
				"its aggregate id (@AggregateId orderId()) is null");
	}

	@Test
	void eventWithABlankAggregateIdIsRefused() {
		assertRefused(new CustomerRenamed("  ", "Bob"), CustomerRenamed.class,
				"its aggregate id (aggregateId expression 'customerNumber') is blank");
	}

	@Test
	void eventThatCannotBeSerializedIsRefused() {
		assertRefused(new Unserializable(UUID.randomUUID()), Unserializable.class,
				"it cannot be serialized to JSON");
	}

	@Test
	void cyclicPayloadIsRefusedWithAShortMessageAndTheWholeStoryInItsCause() {
		Node node = new Node();
		Node other = new Node();
		node.next = other;
		other.next = node;
		assertThatExceptionOfType(OutboxEventException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> this.outbox.publish(new Cyclic("1", node))))
			.withMessageContaining("it cannot be serialized to JSON (")
			.withMessageContaining("more characters in the cause)")
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).hasSizeLessThan(1000);
				assertThat(ex.getCause().getMessage()).hasSizeGreaterThan(1000);
			});
	}

	@Test
	void eventOverTheSizeLimitIsRefused() {
		assertRefused(new OrderPlaced(UUID.randomUUID(), "x".repeat(3000), BigDecimal.ONE), OrderPlaced.class,
				"more than outbox.publish.max-payload-size (2048 bytes)");
	}

	@Test
	void eventWhoseAggregateTypeIsTooLongForItsColumnIsRefused() {
		assertRefused(OutboxMessage.of("a".repeat(256), "1", "Created", Map.of()), Map.of().getClass(),
				"its aggregate type is 256 characters long, more than the 255 that the public.outbox_event table takes");
	}

	@Test
	void eventWhoseTypeIsTooLongForItsColumnIsRefused() {
		assertRefused(OutboxMessage.of("order", "1", "T".repeat(300), Map.of()), Map.of().getClass(),
				"its event type is 300 characters long");
	}

	@Test
	void eventWhoseAggregateIdIsTooLongForItsColumnIsRefused() {
		assertRefused(new CustomerRenamed("9".repeat(256), "Bob"), CustomerRenamed.class,
				"its aggregate id is 256 characters long");
	}

	@Test
	void eventOfAnUnannotatedClassIsRefused() {
		assertRefused(new NotAnOutboxEvent(UUID.randomUUID()), NotAnOutboxEvent.class,
				"its class is not annotated with @OutboxEvent");
	}

	@Test
	void caughtPublicationFailureStillRollsTheTransactionBack() {
		UUID orderId = UUID.randomUUID();
		assertThatExceptionOfType(OutboxEventException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
				insertOrder(orderId);
				try {
					this.outbox.publish(new OrderPlaced(null, "alice", BigDecimal.ONE));
				}
				catch (OutboxEventException ex) {
					// swallowed by careless application code
				}
			}))
			.withMessageContaining("failed earlier in this transaction")
			.havingCause()
			.withMessageContaining("aggregate id");
		assertThat(orderCount()).isZero();
		assertThat(OutboxRows.all(this.jdbcTemplate)).isEmpty();
	}

	private void assertRefused(Object event, Class<?> eventClass, String problem) {
		UUID orderId = UUID.randomUUID();
		List<Throwable> thrown = new ArrayList<>();
		assertThatExceptionOfType(OutboxEventException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
				insertOrder(orderId);
				this.outbox.publish(new OrderPlaced(orderId, "fine", BigDecimal.ONE));
				this.outbox.publish(event);
			}))
			.satisfies(thrown::add)
			.withMessageStartingWith("Cannot publish outbox event " + eventClass.getName() + ": ")
			.withMessageContaining(problem)
			.extracting(OutboxEventException::getEventClass)
			.isEqualTo(eventClass);
		assertThat(orderCount()).as("business change rolled back").isZero();
		assertThat(OutboxRows.all(this.jdbcTemplate)).as("no event written").isEmpty();
	}

	private void insertOrder(UUID orderId) {
		this.jdbcTemplate.update("INSERT INTO orders (id, customer, status) VALUES (?, 'someone', 'PLACED')", orderId);
	}

	private int orderCount() {
		return this.jdbcTemplate.queryForObject("SELECT count(*) FROM orders", Integer.class);
	}

	private String transactionIdOfOrder(UUID orderId) {
		return this.jdbcTemplate.queryForObject("SELECT xmin::text FROM orders WHERE id = ?", String.class, orderId);
	}

	@OutboxEvent(aggregateType = "order")
	record OrderPlaced(@AggregateId UUID orderId, String customer, BigDecimal total) {
	}

	@OutboxEvent(aggregateType = "order", aggregateId = "orderId", type = "order-cancelled")
	record OrderCancelled(UUID orderId, String reason) {
	}

	@OutboxEvent(aggregateType = "customer", aggregateId = "customerNumber")
	record CustomerRenamed(String customerNumber, String name) {
	}

	@OutboxEvent(aggregateType = "graph")
	record Cyclic(@AggregateId String id, Node node) {
	}

	static class Node {

		public Node next;

	}

	@OutboxEvent(aggregateType = "order")
	record Unserializable(@AggregateId UUID orderId) {

		public String getBroken() {
			throw new IllegalStateException("cannot read this property");
		}

	}

	record NotAnOutboxEvent(UUID id) {
	}

	record ShipOrderBeforeCommit(UUID orderId) {
	}

	record ShipOrderAfterCommit(UUID orderId) {
	}

	record ShipOrderAfterCompletion(UUID orderId) {
	}

	/**
	 * Listeners that publish outbox events at the various phases of a transaction's end.
	 */
	static class LateEventListeners {

		private final OutboxPublisher outbox;

		final List<Throwable> failures = new ArrayList<>();

		LateEventListeners(OutboxPublisher outbox) {
			this.outbox = outbox;
		}

		void clear() {
			this.failures.clear();
		}

		@TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
		public void beforeCommit(ShipOrderBeforeCommit event) {
			this.outbox.publish(new OrderPlaced(event.orderId(), "listener", BigDecimal.ONE));
		}

		@TransactionalEventListener
		public void afterCommit(ShipOrderAfterCommit event) {
			publishRecordingFailure(event.orderId());
		}

		@TransactionalEventListener(phase = TransactionPhase.AFTER_COMPLETION)
		public void afterCompletion(ShipOrderAfterCompletion event) {
			publishRecordingFailure(event.orderId());
		}

		private void publishRecordingFailure(UUID orderId) {
			try {
				this.outbox.publish(new OrderPlaced(orderId, "listener", BigDecimal.ONE));
			}
			catch (RuntimeException ex) {
				this.failures.add(ex);
				throw ex;
			}
		}

	}

	@JdbcTestApplication
	static class TestApplication {

		@Bean
		static JdbcRecorder jdbcRecorder() {
			return new JdbcRecorder();
		}

		@Bean
		LateEventListeners lateEventListeners(OutboxPublisher outbox) {
			return new LateEventListeners(outbox);
		}

	}

}
