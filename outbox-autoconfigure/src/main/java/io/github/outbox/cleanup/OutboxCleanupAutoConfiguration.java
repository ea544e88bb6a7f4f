package io.github.outbox.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import javax.sql.DataSource;

import io.github.outbox.cleanup.OutboxCleanupProperties.Strategy;
import io.github.outbox.schema.OutboxSchemaAutoConfiguration;
import io.github.outbox.schema.OutboxTable;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Auto-configuration of the outbox cleanup ({@code outbox.cleanup.*}): the scheduled job of
 * the retention and partitions strategies, and the partitioned table of the latter. The
 * delete-after-insert strategy is the writer's (see the publish auto-configuration).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, OutboxSchemaAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(OutboxTable.class)
@ConditionalOnBooleanProperty(name = "outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OutboxCleanupProperties.class)
public final class OutboxCleanupAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@Conditional(OnStrategyWithJob.class)
	@ConditionalOnBooleanProperty(name = "outbox.cleanup.enabled", matchIfMissing = true)
	static class CleanupJobConfiguration {

		@Bean
		ScheduledCleanup outboxCleanup(DataSource dataSource, OutboxTable table, OutboxCleanupProperties properties,
				ObjectProvider<CleanupMetrics> metrics) {
			validate(properties);
			JdbcTemplate jdbcTemplate = new JdbcTemplate(dataSource);
			CleanupJob job;
			if (properties.getStrategy() == Strategy.PARTITIONS) {
				OutboxPartitions partitions = partitions(dataSource, table, properties);
				job = new CleanupJob.Partitions(properties.getRetention(), properties.getPartitions().getAhead(),
						partitions, new ExpiredRows(jdbcTemplate, table.qualified(partitions.defaultPartitionName()),
								properties.getBatchSize()));
			}
			else {
				job = new CleanupJob.Retention(properties.getRetention(),
						new ExpiredRows(jdbcTemplate, table.qualifiedName(), properties.getBatchSize()));
			}
			return new ScheduledCleanup(job, new CleanupLock(dataSource, table),
					metrics.getIfAvailable(() -> CleanupMetrics.NONE), properties.getInterval(), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(OnPartitionsStrategy.class)
	static class PartitionsConfiguration {

		@Bean
		PartitionedOutboxTable outboxPartitionedTable(DataSource dataSource, OutboxTable table,
				OutboxCleanupProperties properties) {
			validate(properties);
			if (table.name().length() + OutboxPartitions.LONGEST_SUFFIX > 63) {
				throw new InvalidConfigurationPropertyValueException("outbox.table.name", table.name(),
						"With outbox.cleanup.strategy=partitions it must be at most " + (63 - OutboxPartitions.LONGEST_SUFFIX)
								+ " characters long, so that the names of its partitions fit PostgreSQL's 63.");
			}
			return new PartitionedOutboxTable(partitions(dataSource, table, properties),
					properties.getPartitions().getAhead(), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class CleanupMetricsConfiguration {

		@Bean
		@ConditionalOnBean(MeterRegistry.class)
		CleanupMetrics outboxCleanupMetrics(MeterRegistry meterRegistry) {
			return new CleanupMetrics.Micrometer(meterRegistry);
		}

		// With delete-after-insert the table is always empty: nothing to watch.
		@Bean
		@ConditionalOnBean(MeterRegistry.class)
		@Conditional(OnStrategyKeepingRows.class)
		OutboxTableMetrics outboxTableMetrics(MeterRegistry meterRegistry, DataSource dataSource, OutboxTable table) {
			OutboxTableMetrics metrics = new OutboxTableMetrics(new JdbcTemplate(dataSource), table, Clock.systemUTC());
			metrics.registerWith(meterRegistry);
			return metrics;
		}

	}

	private static OutboxPartitions partitions(DataSource dataSource, OutboxTable table,
			OutboxCleanupProperties properties) {
		return new OutboxPartitions(new JdbcTemplate(dataSource),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)), table,
				properties.getPartitions().getRange());
	}

	static void validate(OutboxCleanupProperties properties) {
		positive("outbox.cleanup.retention", properties.getRetention());
		positive("outbox.cleanup.interval", properties.getInterval());
		if (properties.getBatchSize() < 1) {
			throw new InvalidConfigurationPropertyValueException("outbox.cleanup.batch-size", properties.getBatchSize(),
					"It must be at least 1.");
		}
		Duration range = properties.getPartitions().getRange();
		if (range.toSeconds() < 60 || range.toSeconds() % 60 != 0 || range.getNano() != 0) {
			throw new InvalidConfigurationPropertyValueException("outbox.cleanup.partitions.range", range,
					"It must be a whole number of minutes, such as 1h or 1d: partitions are named after the minute "
							+ "they start.");
		}
		if (properties.getPartitions().getAhead() < 1) {
			throw new InvalidConfigurationPropertyValueException("outbox.cleanup.partitions.ahead",
					properties.getPartitions().getAhead(), "It must be at least 1.");
		}
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "It must be longer than zero.");
		}
	}

	/**
	 * Matches when {@code outbox.cleanup.strategy} is one of the given strategies.
	 */
	abstract static class OnStrategy extends SpringBootCondition {

		private final Set<Strategy> strategies;

		OnStrategy(Strategy... strategies) {
			this.strategies = Set.of(strategies);
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Strategy strategy = Binder.get(context.getEnvironment())
				.bind("outbox.cleanup.strategy", Strategy.class)
				.orElse(Strategy.RETENTION);
			return new ConditionOutcome(this.strategies.contains(strategy), "outbox.cleanup.strategy is " + strategy);
		}

	}

	static final class OnStrategyWithJob extends OnStrategy {

		OnStrategyWithJob() {
			super(Strategy.RETENTION, Strategy.PARTITIONS);
		}

	}

	static final class OnPartitionsStrategy extends OnStrategy {

		OnPartitionsStrategy() {
			super(Strategy.PARTITIONS);
		}

	}

	static final class OnStrategyKeepingRows extends OnStrategy {

		OnStrategyKeepingRows() {
			super(Strategy.RETENTION, Strategy.PARTITIONS, Strategy.NONE);
		}

	}

}
