package io.github.outbox.contract;

import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxTable;
import io.github.outbox.support.AdvisoryLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The registry in the outbox's schema: one row per version. A registration runs in a
 * transaction of its own under a transaction advisory lock per event type, so that instances
 * starting at once register a new schema once.
 */
final class JdbcEventSchemaRegistry implements EventSchemaRegistry {

	private static final Logger logger = LoggerFactory.getLogger(JdbcEventSchemaRegistry.class);

	// PostgreSQL's SQLSTATE for a table that does not exist.
	private static final String UNDEFINED_TABLE = "42P01";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final OutboxTable table;

	private final @Nullable String applicationName;

	JdbcEventSchemaRegistry(DataSource dataSource, OutboxTable table, @Nullable String applicationName) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.table = table;
		this.applicationName = applicationName;
	}

	@Override
	public int register(EventSchema schema, SchemaCompatibility compatibility) {
		try {
			Integer version = this.transactions.execute((status) -> registerLocked(schema, compatibility));
			return (version != null) ? version : 0;
		}
		catch (BadSqlGrammarException ex) {
			if (!UNDEFINED_TABLE.equals(ex.getSQLException().getSQLState())) {
				throw ex;
			}
			throw new IllegalStateException("Registering the schema of " + schema + " in "
					+ this.table.qualifiedEventSchemaName() + " failed (" + ex.getMostSpecificCause().getMessage()
					+ "). Apply the outbox migration V1_0_0_6__outbox_create_event_schema.sql, or set "
					+ "outbox.schema.enabled=false.", ex);
		}
	}

	// One registration of an event type at a time, across instances: the next one then sees
	// the version the first added.
	static AdvisoryLock lock(EventSchema schema) {
		return new AdvisoryLock("io.github.outbox.schema", schema.aggregateType() + "/" + schema.eventType());
	}

	private int registerLocked(EventSchema schema, SchemaCompatibility compatibility) {
		lock(schema).acquireForTransaction(this.jdbc);
		Map<Integer, EventSchema> registered = new TreeMap<>();
		this.jdbc.query(
				"SELECT version, schema::text FROM " + this.table.qualifiedEventSchemaName()
						+ " WHERE aggregate_type = ? AND event_type = ?",
				(row) -> {
					registered.put(row.getInt(1),
							EventSchema.read(schema.aggregateType(), schema.eventType(), "", row.getString(2)));
				}, schema.aggregateType(), schema.eventType());
		SchemaVersions.Registration registration = new SchemaVersions(registered).register(schema, compatibility);
		if (!registration.added()) {
			logger.debug("{} is registered as version {}", schema, registration.version());
			return registration.version();
		}
		int next = registration.version();
		this.jdbc.update("INSERT INTO " + this.table.qualifiedEventSchemaName()
				+ " (aggregate_type, event_type, version, schema, fingerprint, event_class, registered_by)"
				+ " VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)", schema.aggregateType(), schema.eventType(), next,
				schema.text(), schema.fingerprint(), schema.eventClass(), this.applicationName);
		logger.info("Registered version {} of the schema of event type '{}' (aggregate type '{}')", next,
				schema.eventType(), schema.aggregateType());
		return next;
	}

}
