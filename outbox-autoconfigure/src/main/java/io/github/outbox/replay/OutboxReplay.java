package io.github.outbox.replay;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

import io.github.outbox.schema.OutboxTable;
import io.github.outbox.support.ReplaySignal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.util.Assert;

/**
 * Asks the relay to republish the events still kept in the outbox table that were written in
 * a time range, for a new consumer or after an incident. The request is an
 * {@code execute-snapshot} signal in Debezium's signal table: the relay, embedded or run by
 * Kafka Connect or Debezium Server, reads the matching rows in chunks (an incremental snapshot)
 * while it goes on streaming new events, and routes them exactly as it routed them the first
 * time: same key, value, timestamp and headers, {@code eventId} included, so an inbox skips
 * what its consumer already processed.
 * <p>
 * Only rows the cleanup strategy still keeps can be replayed. Replayed events arrive after
 * newer events of the same aggregate that were already delivered: consumers that care about
 * order rely on the inbox to drop what they saw.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public class OutboxReplay {

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

	private static final Logger logger = LoggerFactory.getLogger(OutboxReplay.class);

	private final JdbcOperations jdbc;

	private final OutboxTable table;

	/**
	 * Creates a new instance.
	 * @param jdbc access to the database of the outbox table
	 * @param table the outbox table and its signal table
	 */
	public OutboxReplay(JdbcOperations jdbc, OutboxTable table) {
		this.jdbc = jdbc;
		this.table = table;
	}

	/**
	 * Republishes the events written from {@code from} (inclusive) to {@code to} (exclusive).
	 * Returns as soon as the request is stored: the relay replays in the background. Inside a
	 * transaction, the request is made when the transaction commits.
	 * @param from the start of the range
	 * @param to the end of the range
	 * @return the request, with the number of events the range holds
	 */
	public ReplayRequest replay(Instant from, Instant to) {
		return replay(from, to, null);
	}

	/**
	 * Republishes the events of one aggregate type written from {@code from} (inclusive) to
	 * {@code to} (exclusive), that is those of one topic with the default routing.
	 * @param from the start of the range
	 * @param to the end of the range
	 * @param aggregateType the aggregate type, or {@code null} for all
	 * @return the request, with the number of events the range holds
	 * @see #replay(Instant, Instant)
	 */
	public ReplayRequest replay(Instant from, Instant to, @Nullable String aggregateType) {
		Assert.notNull(from, "'from' must not be null");
		Assert.notNull(to, "'to' must not be null");
		Assert.isTrue(from.isBefore(to), () -> "Cannot replay from " + from + " to " + to
				+ ": 'from' must be before 'to' (the range includes 'from' and excludes 'to')");
		String filter = "created_at >= '" + utc(from) + "' AND created_at < '" + utc(to) + "'";
		if (aggregateType != null) {
			Assert.hasText(aggregateType, "'aggregateType' must not be empty; pass null for all aggregate types");
			filter += " AND aggregatetype = '" + aggregateType.replace("'", "''") + "'";
		}
		Long events = this.jdbc.queryForObject("SELECT count(*) FROM " + this.table.qualifiedName() + " WHERE " + filter,
				Long.class);
		String id = ReplaySignal.insert(this.jdbc, this.table, "replay", filter);
		ReplayRequest request = new ReplayRequest(id, from, to, aggregateType, (events != null) ? events : 0);
		logger.info("Asked the relay to replay the events written from {} to {}{}: {} found (signal {})", from, to,
				(aggregateType != null) ? " of aggregate type '" + aggregateType + "'" : "", request.events(), id);
		return request;
	}

	private static String utc(Instant instant) {
		return TIMESTAMP.format(OutboxTable.createdAt(instant));
	}

}
