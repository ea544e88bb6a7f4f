package io.github.outbox.publish;

import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.github.outbox.OutboxEventException;
import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPayloadSerializer;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.schema.OutboxTable;
import io.github.outbox.support.EventSchemaVersions;
import io.github.outbox.testsupport.JdbcRecorder;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.OutboxRows;
import io.github.outbox.testsupport.OutboxRows.Row;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every shape of transaction manager an application can have writes its events atomically,
 * including an event first published from a {@code BEFORE_COMMIT} listener: Spring Boot's,
 * one the application declares itself, one created outside the application context, and
 * {@code @Transactional} methods with {@code REQUIRES_NEW} and {@code NESTED} steps.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransactionManagerShapesIntegrationTests {

	private final ApplicationContextRunner contextRunner = OutboxContextRunner.jdbcApplication()
		.withPropertyValues(TestDatabase.createForProperties("tx_shapes"))
		.withUserConfiguration(Application.class);

	@Test
	void transactionManagerOfSpringBootWritesAtomicallyWithTheCommit() {
		this.contextRunner.run((context) -> {
			PlatformTransactionManager boots = context.getBean(PlatformTransactionManager.class);
			assertWritesABeforeCommitEventAtomically(context, boots);
			assertWritesEventsWithTheCommit(context, boots);
		});
	}

	@Test
	void transactionManagerTheApplicationDeclaresWritesAtomicallyWithTheCommit() {
		this.contextRunner.withUserConfiguration(DeclaredTransactionManager.class).run((context) -> {
			PlatformTransactionManager declared = context.getBean(PlatformTransactionManager.class);
			assertThat(declared).isSameAs(context.getBean(DeclaredTransactionManager.class).transactionManager);
			assertWritesABeforeCommitEventAtomically(context, declared);
			assertWritesEventsWithTheCommit(context, declared);
		});
	}

	@Test
	void transactionManagerCreatedOutsideTheContextWritesAtomicallyWithTheCommit() {
		this.contextRunner.run((context) -> {
			PlatformTransactionManager outside = new DataSourceTransactionManager(context.getBean(DataSource.class));
			assertWritesABeforeCommitEventAtomically(context, outside);
			assertWritesEventsWithTheCommit(context, outside);
		});
	}

	@Test
	void connectionsThatDoNotComeThroughTheWrapperStillWriteEachEventAtomically(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			// The pool behind the proxied bean, as a DataSource created before the
			// post-processors would be: its connections are the pool's own.
			DataSource pool = (DataSource) AopProxyUtils.getSingletonTarget(context.getBean(DataSource.class));
			assertThat(pool).isNotNull();
			OutboxPublisher outbox = new TransactionalOutboxPublisher(pool,
					new OutboxRecordFactory(context.getBean(OutboxPayloadSerializer.class),
							OutboxTableLayout.read(new JdbcTemplate(pool), context.getBean(OutboxTable.class)),
							DataSize.ofKilobytes(512), TraceContext.NONE, EventSchemaVersions.NONE),
					context.getBean(OutboxWriter.class));
			TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(pool));
			JdbcTemplate business = new JdbcTemplate(pool);
			OutboxRows.deleteAll(jdbc);

			UUID orderId = UUID.randomUUID();
			transaction.executeWithoutResult((status) -> {
				insertOrder(business, orderId);
				outbox.publish(placed(orderId.toString()));
			});
			String orderTransaction = jdbc.queryForObject("SELECT xmin::text FROM orders WHERE id = ?", String.class,
					orderId);
			assertThat(OutboxRows.all(jdbc)).singleElement()
				.satisfies((row) -> assertThat(row.transactionId()).isEqualTo(orderTransaction));
			assertThat(output).contains("do not come through the outbox starter's wrapper");

			transaction.executeWithoutResult((status) -> {
				outbox.publish(placed("rolled-back"));
				status.setRollbackOnly();
			});
			UUID failedOrder = UUID.randomUUID();
			assertThatExceptionOfType(OutboxEventException.class)
				.isThrownBy(() -> transaction.executeWithoutResult((status) -> {
					insertOrder(business, failedOrder);
					try {
						outbox.publish(OutboxMessage.of("order", "broken", "OrderPlaced", new Unserializable()));
					}
					catch (OutboxEventException ex) {
						// swallowed by careless application code
					}
				}));
			assertThat(OutboxRows.all(jdbc)).hasSize(1);
			assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE id = ?", Integer.class, failedOrder))
				.isZero();
		});
	}

	@Test
	void transactionManagerCreatedOutsideTheContextRollsBackSavepointsAndFailures() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
			PlatformTransactionManager outside = new DataSourceTransactionManager(context.getBean(DataSource.class));
			TransactionTemplate transaction = new TransactionTemplate(outside);
			TransactionTemplate nested = new TransactionTemplate(outside);
			nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
			OutboxRows.deleteAll(jdbc);

			transaction.executeWithoutResult((status) -> {
				outbox.publish(placed("kept"));
				try {
					nested.executeWithoutResult((inner) -> {
						outbox.publish(placed("undone"));
						throw new IllegalStateException("inner step failed");
					});
				}
				catch (IllegalStateException ex) {
					// the nested step is undone; the outer transaction goes on
				}
			});
			assertThat(OutboxRows.all(jdbc)).extracting(Row::aggregateId).containsExactly("kept");

			transaction.executeWithoutResult((status) -> {
				outbox.publish(placed("rolled-back"));
				status.setRollbackOnly();
			});
			UUID orderId = UUID.randomUUID();
			assertThatExceptionOfType(OutboxEventException.class)
				.isThrownBy(() -> transaction.executeWithoutResult((status) -> {
					insertOrder(jdbc, orderId);
					outbox.publish(placed("written"));
					try {
						outbox.publish(OutboxMessage.of("order", "broken", "OrderPlaced", new Unserializable()));
					}
					catch (OutboxEventException ex) {
						// swallowed by careless application code
					}
				}))
				.withMessageContaining("failed earlier in this transaction");
			assertThat(OutboxRows.all(jdbc)).extracting(Row::aggregateId).containsExactly("kept");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE id = ?", Integer.class, orderId)).isZero();
		});
	}

	@Test
	void transactionalMethodsKeepTheEventsOfTheStepsThatCommit() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
			Steps steps = context.getBean(Steps.class);
			OutboxRows.deleteAll(jdbc);

			steps.required(() -> {
				outbox.publish(placed("outer-before"));
				steps.requiresNew(() -> outbox.publish(placed("own-transaction")));
				try {
					steps.nested(() -> {
						outbox.publish(placed("nested-undone"));
						throw new IllegalStateException("nested step failed");
					});
				}
				catch (IllegalStateException ex) {
					// rolled back to the savepoint
				}
				steps.nested(() -> outbox.publish(placed("nested-kept")));
				outbox.publish(placed("outer-after"));
			});
			assertThat(OutboxRows.all(jdbc)).extracting(Row::aggregateId)
				.containsExactlyInAnyOrder("outer-before", "own-transaction", "nested-kept", "outer-after");

			OutboxRows.deleteAll(jdbc);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> steps.required(() -> {
				outbox.publish(placed("outer"));
				steps.requiresNew(() -> outbox.publish(placed("committed-alone")));
				throw new IllegalStateException("outer step failed");
			}));
			assertThat(OutboxRows.all(jdbc)).extracting(Row::aggregateId).containsExactly("committed-alone");
		});
	}

	private static void assertWritesABeforeCommitEventAtomically(AssertableApplicationContext context,
			PlatformTransactionManager transactionManager) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		OutboxRows.deleteAll(jdbc);
		UUID orderId = UUID.randomUUID();
		new TransactionTemplate(transactionManager).executeWithoutResult((status) -> {
			insertOrder(jdbc, orderId);
			// The transaction's first and only event, published while it commits.
			context.publishEvent(new ShipBeforeCommit(orderId.toString()));
		});
		String orderTransaction = jdbc.queryForObject("SELECT xmin::text FROM orders WHERE id = ?", String.class,
				orderId);
		assertThat(OutboxRows.all(jdbc)).singleElement().satisfies((row) -> {
			assertThat(row.aggregateId()).isEqualTo(orderId.toString());
			assertThat(row.transactionId()).isEqualTo(orderTransaction);
		});
	}

	private static void assertWritesEventsWithTheCommit(AssertableApplicationContext context,
			PlatformTransactionManager transactionManager) {
		JdbcRecorder recorder = context.getBean(JdbcRecorder.class);
		recorder.clear();
		new TransactionTemplate(transactionManager).executeWithoutResult((status) -> context
			.getBean(OutboxPublisher.class)
			.publishAll(List.of(placed("a"), placed("b"), placed("c"))));
		assertThat(recorder.executionsOf("outbox_event")).containsExactly("update and commit");
		assertThat(recorder.roundTrips()).isOne();
	}

	private static void insertOrder(JdbcTemplate jdbc, UUID orderId) {
		jdbc.update("INSERT INTO orders (id, customer, status) VALUES (?, 'someone', 'PLACED')", orderId);
	}

	private static OutboxMessage placed(String orderId) {
		return OutboxMessage.of("order", orderId, "OrderPlaced", "{}");
	}

	record ShipBeforeCommit(String orderId) {
	}

	record Unserializable() {

		public String getBroken() {
			throw new IllegalStateException("cannot read this property");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Application {

		@Bean
		static JdbcRecorder jdbcRecorder() {
			return new JdbcRecorder();
		}

		@Bean
		JdbcTemplate jdbcTemplate(DataSource dataSource) {
			return new JdbcTemplate(dataSource);
		}

		@Bean
		BeforeCommitListener beforeCommitListener(OutboxPublisher outbox) {
			return new BeforeCommitListener(outbox);
		}

		@Bean
		Steps steps() {
			return new Steps();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DeclaredTransactionManager {

		final DataSourceTransactionManager transactionManager;

		DeclaredTransactionManager(DataSource dataSource) {
			this.transactionManager = new DataSourceTransactionManager(dataSource);
		}

		@Bean
		DataSourceTransactionManager applicationTransactionManager() {
			return this.transactionManager;
		}

	}

	static class BeforeCommitListener {

		private final OutboxPublisher outbox;

		BeforeCommitListener(OutboxPublisher outbox) {
			this.outbox = outbox;
		}

		@TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
		public void ship(ShipBeforeCommit event) {
			this.outbox.publish(placed(event.orderId()));
		}

	}

	static class Steps {

		@Transactional
		public void required(Runnable step) {
			step.run();
		}

		@Transactional(propagation = Propagation.REQUIRES_NEW)
		public void requiresNew(Runnable step) {
			step.run();
		}

		@Transactional(propagation = Propagation.NESTED)
		public void nested(Runnable step) {
			step.run();
		}

	}

}
