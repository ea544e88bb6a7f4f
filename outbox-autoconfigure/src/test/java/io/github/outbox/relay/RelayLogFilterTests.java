package io.github.outbox.relay;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warnings the relay keeps out of the log, and those it lets through, as Logback logs them.
 */
class RelayLogFilterTests {

	private static final String STREAMING_SOURCE = "io.debezium.connector.postgresql.PostgresStreamingChangeEventSource";

	private final RelayLogFilter filter = new RelayLogFilter();

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

	// The tests' Logback configuration keeps Kafka at ERROR: this one logger is at WARN here.
	private final Logger kafkaClient = this.context.getLogger("org.apache.kafka.clients.NetworkClient");

	@BeforeEach
	void start() {
		this.kafkaClient.setLevel(Level.WARN);
		this.appender.setContext(this.context);
		this.appender.start();
		this.context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this.appender);
		this.filter.start();
	}

	@AfterEach
	void stop() {
		this.filter.stop();
		this.context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
		this.kafkaClient.setLevel(null);
	}

	@Test
	void debeziumsInterruptedFlushAtStopIsNotLogged() {
		LoggerFactory.getLogger(STREAMING_SOURCE)
			.warn("LSN flush operation for '{}' was interrupted. Continuing without waiting for flush completion.",
					"LSN{0/1267D048}");
		assertThat(logged()).isEmpty();
	}

	@Test
	void debeziumsDroppedLagSamplesAreNotLogged() {
		org.slf4j.Logger collector = LoggerFactory.getLogger("io.debezium.metrics.stats.MeasurementCollector");
		collector.warn("Failed to add measurement event to queue, queue is full");
		collector.warn("Publisher thread failed with exception: ", new IllegalStateException("broken"));
		assertThat(logged()).containsExactly("Publisher thread failed with exception: ");
	}

	@Test
	void debeziumsOtherWarningsAreLogged() {
		LoggerFactory.getLogger(STREAMING_SOURCE)
			.warn("Received {} events which were all filtered out, so no offset could be committed.", 10000);
		assertThat(logged()).containsExactly("Received 10000 events which were all filtered out, so no offset could be committed.");
	}

	@Test
	void relaysKafkaClientWarningsAreNotLogged() {
		this.kafkaClient.warn("[Producer clientId=outbox-relay-orders] Connection to node 1 could not be established.");
		assertThat(logged()).isEmpty();
	}

	@Test
	void applicationsKafkaClientWarningsAndRelayClientErrorsAreLogged() {
		this.kafkaClient.warn("[Producer clientId=orders-1] Connection to node 1 could not be established.");
		this.kafkaClient.error("[Producer clientId=outbox-relay-orders] Unexpected error");
		assertThat(logged()).containsExactly("[Producer clientId=orders-1] Connection to node 1 could not be established.",
				"[Producer clientId=outbox-relay-orders] Unexpected error");
	}

	@Test
	void stoppedFilterLetsEverythingThrough() {
		this.filter.stop();
		LoggerFactory.getLogger(STREAMING_SOURCE)
			.warn("LSN flush operation for '{}' was interrupted. Continuing without waiting for flush completion.",
					"LSN{0/1}");
		assertThat(logged()).hasSize(1);
	}

	// Only this test's lines: Kafka clients of other tests in this JVM may still be logging.
	private List<String> logged() {
		String thread = Thread.currentThread().getName();
		return this.appender.list.stream()
			.filter((event) -> event.getThreadName().equals(thread))
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

}
