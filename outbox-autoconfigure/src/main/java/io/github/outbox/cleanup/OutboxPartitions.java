package io.github.outbox.cleanup;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.outbox.schema.OutboxTable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox table partitioned by {@code created_at}: one partition per time range, named
 * after where it starts ({@code outbox_event_p20261123_0000}), a default partition that takes
 * any row no range covers, and the publication publishing through the partition root, so that
 * the relay sees one table whatever partitions come and go.
 */
final class OutboxPartitions {

	private static final Logger logger = LoggerFactory.getLogger(OutboxPartitions.class);

	private static final DateTimeFormatter NAME_FORMAT = DateTimeFormatter.ofPattern("'p'yyyyMMdd_HHmm");

	private static final DateTimeFormatter BOUND_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private static final Pattern UPPER_BOUND = Pattern.compile("TO \\('([^']+)'\\)");

	// Partition DDL waits at most this long for the locks it needs, then gives up until the
	// next run, rather than queue the application's inserts behind it.
	private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '2s'";

	static final int LONGEST_SUFFIX = "_p20261123_0000".length();

	private final JdbcTemplate jdbcTemplate;

	private final TransactionTemplate transaction;

	private final OutboxTable table;

	private final Duration range;

	OutboxPartitions(JdbcTemplate jdbcTemplate, TransactionTemplate transaction, OutboxTable table, Duration range) {
		this.jdbcTemplate = jdbcTemplate;
		this.transaction = transaction;
		this.table = table;
		this.range = range;
	}

	boolean isPartitioned() {
		return "p".equals(relkind(this.table.name()));
	}

	String unpartitionedName() {
		return this.table.name() + "_unpartitioned";
	}

	String defaultPartitionName() {
		return this.table.name() + "_default";
	}

	/**
	 * Turns the plain outbox table into a partitioned one, in one transaction. The plain
	 * table is renamed and kept until its rows expire (or dropped at once if empty); its
	 * events are already in the write-ahead log, which the relay reads. Does nothing if the
	 * table is partitioned already.
	 * @return whether the table was converted
	 */
	boolean partition() {
		Boolean converted = this.transaction.execute((status) -> {
			CleanupLock.lockOf(this.table).acquireForTransaction(this.jdbcTemplate);
			if (isPartitioned()) {
				return false;
			}
			String root = this.table.qualifiedName();
			String old = this.table.qualified(unpartitionedName());
			this.jdbcTemplate.execute("LOCK TABLE " + root + " IN ACCESS EXCLUSIVE MODE");
			this.jdbcTemplate.execute("ALTER TABLE " + root + " RENAME TO \"" + unpartitionedName() + "\"");
			this.jdbcTemplate.execute("CREATE TABLE " + root + " (LIKE " + old + " INCLUDING DEFAULTS INCLUDING COMMENTS"
					+ ", CONSTRAINT \"" + this.table.name() + "_partitioned_pk\" PRIMARY KEY (id, created_at))"
					+ " PARTITION BY RANGE (created_at)");
			this.jdbcTemplate.execute(
					"CREATE TABLE " + this.table.qualified(defaultPartitionName()) + " PARTITION OF " + root + " DEFAULT");
			String publication = "\"" + this.table.publication() + "\"";
			// The plain table leaves the publication and the root joins it; other members (the
			// signal table) stay.
			Boolean published = this.jdbcTemplate.queryForObject("SELECT EXISTS (SELECT 1 FROM pg_publication_rel r"
					+ " JOIN pg_publication p ON p.oid = r.prpubid WHERE p.pubname = ? AND r.prrelid = ?::regclass)",
					Boolean.class, this.table.publication(), old);
			if (Boolean.TRUE.equals(published)) {
				this.jdbcTemplate.execute("ALTER PUBLICATION " + publication + " DROP TABLE " + old);
			}
			this.jdbcTemplate.execute("ALTER PUBLICATION " + publication + " ADD TABLE " + root);
			this.jdbcTemplate.execute("ALTER PUBLICATION " + publication
					+ " SET (publish = 'insert', publish_via_partition_root = true)");
			Boolean empty = this.jdbcTemplate.queryForObject("SELECT NOT EXISTS (SELECT 1 FROM " + old + ")",
					Boolean.class);
			if (Boolean.TRUE.equals(empty)) {
				this.jdbcTemplate.execute("DROP TABLE " + old);
			}
			return true;
		});
		return Boolean.TRUE.equals(converted);
	}

	/**
	 * Creates the partition of the current range and the given number of ranges after it,
	 * when missing. A range some rows of the default partition fall into is left to the
	 * default partition (PostgreSQL refuses to create it), with a warning.
	 * @param now the current time
	 * @param ahead the number of ranges after the current one
	 * @return the number of partitions created
	 */
	int createAhead(Instant now, int ahead) {
		long rangeMillis = this.range.toMillis();
		long currentStart = Math.floorDiv(now.toEpochMilli(), rangeMillis) * rangeMillis;
		int created = 0;
		for (int i = 0; i <= ahead; i++) {
			LocalDateTime start = utc(currentStart + i * rangeMillis);
			LocalDateTime end = utc(currentStart + (i + 1) * rangeMillis);
			String name = this.table.name() + "_" + NAME_FORMAT.format(start);
			if (relkind(name) != null) {
				continue;
			}
			try {
				this.transaction.executeWithoutResult((status) -> {
					this.jdbcTemplate.execute(LOCK_TIMEOUT);
					this.jdbcTemplate.execute("CREATE TABLE " + this.table.qualified(name) + " PARTITION OF "
							+ this.table.qualifiedName() + " FOR VALUES FROM ('" + BOUND_FORMAT.format(start) + "') TO ('"
							+ BOUND_FORMAT.format(end) + "')");
				});
				created++;
			}
			catch (DataAccessException ex) {
				if (!isDefaultPartitionConflict(ex)) {
					throw ex;
				}
				logger.warn("Outbox partition {} not created: the default partition {} holds rows of its range, which "
						+ "stay there until they expire", name, defaultPartitionName());
			}
		}
		return created;
	}

	/**
	 * Drops the partitions whose whole range ends at or before the cutoff.
	 * @param cutoff rows created before this have expired
	 * @return the number of partitions dropped
	 */
	int dropExpired(Instant cutoff) {
		LocalDateTime bound = OutboxTable.createdAt(cutoff);
		List<String> expired = new ArrayList<>();
		this.jdbcTemplate.query("""
				SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
				FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
				WHERE i.inhparent = CAST(? AS regclass)
				ORDER BY c.relname
				""", (row) -> {
			Matcher upper = UPPER_BOUND.matcher(row.getString(2));
			if (upper.find() && !LocalDateTime.parse(upper.group(1), BOUND_FORMAT).isAfter(bound)) {
				expired.add(row.getString(1));
			}
		}, this.table.qualifiedName());
		for (String name : expired) {
			this.transaction.executeWithoutResult((status) -> {
				this.jdbcTemplate.execute(LOCK_TIMEOUT);
				this.jdbcTemplate.execute("DROP TABLE " + this.table.qualified(name));
			});
		}
		return expired.size();
	}

	/**
	 * Drops the table kept from before partitioning once its newest row has expired.
	 * @param cutoff rows created before this have expired
	 * @return whether it was dropped
	 */
	boolean dropUnpartitionedIfExpired(Instant cutoff) {
		if (relkind(unpartitionedName()) == null) {
			return false;
		}
		Boolean expired = this.jdbcTemplate.queryForObject("SELECT coalesce(max(created_at) < ?, true) FROM "
				+ this.table.qualified(unpartitionedName()), Boolean.class, OutboxTable.createdAt(cutoff));
		if (!Boolean.TRUE.equals(expired)) {
			return false;
		}
		this.jdbcTemplate.execute("DROP TABLE " + this.table.qualified(unpartitionedName()));
		return true;
	}

	private @Nullable String relkind(String name) {
		List<String> kinds = this.jdbcTemplate.queryForList("""
				SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = ? AND c.relname = ?
				""", String.class, this.table.schema(), name);
		return (kinds.isEmpty()) ? null : kinds.get(0);
	}

	private static LocalDateTime utc(long epochMillis) {
		return OutboxTable.createdAt(Instant.ofEpochMilli(epochMillis));
	}

	private static boolean isDefaultPartitionConflict(DataAccessException ex) {
		String message = String.valueOf(ex.getMostSpecificCause().getMessage());
		return message.contains("default partition") && message.contains("would be violated");
	}

}
