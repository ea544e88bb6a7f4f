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
 * Keeps the warnings of the relay's own Kafka clients out of the log, with Logback (Spring
 * Boot's default): while Kafka is away they repeat at every reconnection attempt, about once a
 * second, and the relay reports the outage itself ({@link KafkaAvailability}), once when it
 * starts and once when it ends. Errors still pass, as do the warnings of the application's
 * own clients and every line at a level finer than WARN where a user turned it on.
 */
final class RelayClientLogFilter extends TurboFilter implements SmartLifecycle {

	// Kafka's clients start each line with their client id; the relay's begin so.
	private static final String[] RELAY_CLIENTS = { "[Producer clientId=outbox-relay-",
			"[AdminClient clientId=outbox-relay-" };

	private volatile boolean running;

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
			Throwable throwable) {
		if (level != Level.WARN || format == null || !logger.getName().startsWith("org.apache.kafka.")) {
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

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
