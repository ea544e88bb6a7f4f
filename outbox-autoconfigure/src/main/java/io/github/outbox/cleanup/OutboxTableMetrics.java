package io.github.outbox.cleanup;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.outbox.schema.OutboxTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gauges of what the outbox table keeps, read from the database when scraped:
 * {@code outbox.table.rows} (PostgreSQL's estimate, as of the last analyze, across partitions)
 * and {@code outbox.table.oldest.age} (seconds since the oldest row was written, found through
 * the time-ordered primary key).
 */
final class OutboxTableMetrics {

	private final JdbcTemplate jdbcTemplate;

	private final OutboxTable table;

	private final Clock clock;

	OutboxTableMetrics(JdbcTemplate jdbcTemplate, OutboxTable table, Clock clock) {
		this.jdbcTemplate = jdbcTemplate;
		this.table = table;
		this.clock = clock;
	}

	void registerWith(MeterRegistry registry) {
		Gauge.builder("outbox.table.rows", this, OutboxTableMetrics::estimatedRows)
			.description("Rows in the outbox table, as PostgreSQL estimates them")
			.tag("table", this.table.toString())
			.register(registry);
		Gauge.builder("outbox.table.oldest.age", this, OutboxTableMetrics::oldestAgeSeconds)
			.description("Age of the oldest row of the outbox table")
			.baseUnit("seconds")
			.tag("table", this.table.toString())
			.register(registry);
	}

	double estimatedRows() {
		Double rows = this.jdbcTemplate.queryForObject("""
				SELECT coalesce(sum(greatest(c.reltuples, 0)), 0) FROM pg_class c
				WHERE c.relkind = 'r' AND (c.oid = CAST(? AS regclass)
				   OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = CAST(? AS regclass)))
				""", Double.class, this.table.qualifiedName(), this.table.qualifiedName());
		return (rows != null) ? rows : 0;
	}

	double oldestAgeSeconds() {
		List<Timestamp> oldest = this.jdbcTemplate.queryForList(
				"SELECT created_at FROM " + this.table.qualifiedName() + " ORDER BY id LIMIT 1", Timestamp.class);
		if (oldest.isEmpty()) {
			return 0;
		}
		Instant createdAt = OutboxTable.instantOf(oldest.get(0).toLocalDateTime());
		return Math.max(0, Duration.between(createdAt, this.clock.instant()).toMillis() / 1000.0);
	}

}
