package io.github.outbox.relay;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import org.springframework.context.SmartLifecycle;

/**
 * Keeps three kinds of warnings that need no action out of the log, with Logback (Spring Boot's
 * default):
 * <ul>
 * <li>those of the relay's own Kafka clients: while Kafka is away they repeat at every
 * reconnection attempt, about once a second, and the relay reports the outage itself
 * ({@link KafkaAvailability}), once when it starts and once when it ends;</li>
 * <li>Debezium's "LSN flush operation ... was interrupted", logged when the relay stops the
 * engine while it tells PostgreSQL how far the slot may be freed: that report is advisory
 * (the position the relay resumes from is in the position table, and the next start reports
 * it again), so a graceful shutdown does not warn;</li>
 * <li>Debezium's "Failed to add measurement event to queue, queue is full", one line per event
 * while its lag statistics' thread falls behind on a busy machine: what it drops is a sample of
 * a statistic the shipped configuration turns off ({@code statistics.metrics.enabled=false}),
 * and the relay measures its own lag.</li>
 * </ul>
 * Errors still pass, as do the warnings of the application's own clients, Debezium's other
 * warnings and every line at a level finer than WARN where a user turned it on.
 */
final class RelayLogFilter extends TurboFilter implements SmartLifecycle {

	// Kafka's clients start each line with their client id; the relay's begin so.
	private static final String[] RELAY_CLIENTS = { "[Producer clientId=outbox-relay-",
			"[AdminClient clientId=outbox-relay-" };

	private static final String STREAMING_SOURCE = "io.debezium.connector.postgresql.PostgresStreamingChangeEventSource";

	private static final String INTERRUPTED_FLUSH = "LSN flush operation for '{}' was interrupted.";

	private static final String MEASUREMENT_COLLECTOR = "io.debezium.metrics.stats.MeasurementCollector";

	private static final String MEASUREMENT_DROPPED = "Failed to add measurement event to queue, queue is full";

	private volatile boolean running;

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
			Throwable throwable) {
		if (level != Level.WARN || format == null) {
			return FilterReply.NEUTRAL;
		}
		if (logger.getName().equals(STREAMING_SOURCE)) {
			return format.startsWith(INTERRUPTED_FLUSH) ? FilterReply.DENY : FilterReply.NEUTRAL;
		}
		if (logger.getName().equals(MEASUREMENT_COLLECTOR)) {
			return format.startsWith(MEASUREMENT_DROPPED) ? FilterReply.DENY : FilterReply.NEUTRAL;
		}
		if (!logger.getName().startsWith("org.apache.kafka.")) {
			return FilterReply.NEUTRAL;
		}
		for (String client : RELAY_CLIENTS) {
			if (format.startsWith(client)) {
				return FilterReply.DENY;
			}
		}
		return FilterReply.NEUTRAL;
	}

	@Override
	public void start() {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
			context.addTurboFilter(this);
			super.start();
			this.running = true;
		}
	}

	@Override
	public void stop() {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
			context.getTurboFilterList().remove(this);
		}
		super.stop();
		this.running = false;
	}

	/**
	 * Starts before the relay and stops after it: the relay's stop is where Debezium warns.
	 * @return the lowest phase
	 */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
