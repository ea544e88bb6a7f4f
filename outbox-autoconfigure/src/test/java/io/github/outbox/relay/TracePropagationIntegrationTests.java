package io.github.outbox.relay;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import brave.Tracing;
import brave.propagation.ThreadLocalCurrentTraceContext;
import io.github.outbox.OutboxMessage;
import io.github.outbox.OutboxPublisher;
import io.github.outbox.testsupport.JdbcTestApplication;
import io.github.outbox.testsupport.KafkaRecordCollector;
import io.github.outbox.testsupport.KafkaRecordCollector.Received;
import io.github.outbox.testsupport.RelayTestSupport;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.propagation.Propagator;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event published inside a traced operation reaches Kafka with the W3C {@code traceparent}
 * of that operation, so that a consumer continues the same trace.
 */
class TracePropagationIntegrationTests {

	@Test
	void eventPublishedInATraceCarriesItsTraceparentToKafka() throws Exception {
		RelayTestSupport relay = RelayTestSupport.create("tracing");
		try (KafkaRecordCollector records = relay.collector();
				ConfigurableApplicationContext context = relay.start(TestApplication.class)) {
			Tracer tracer = context.getBean(Tracer.class);
			OutboxPublisher outbox = context.getBean(OutboxPublisher.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);

			Span span = tracer.nextSpan().name("place order").start();
			try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
				transaction.executeWithoutResult(
						(status) -> outbox.publish(OutboxMessage.of("basket", "traced", "Checked", Map.of())));
			}
			finally {
				span.end();
			}
			transaction.executeWithoutResult(
					(status) -> outbox.publish(OutboxMessage.of("basket", "untraced", "Checked", Map.of())));

			records.awaitKeys(List.of("traced", "untraced"), Duration.ofSeconds(60));
			Received traced = recordWithKey(records, "traced");
			assertThat(traced.header("traceparent")).isEqualTo(
					"00-" + span.context().traceId() + "-" + span.context().spanId() + "-" + (Boolean.TRUE
						.equals(span.context().sampled()) ? "01" : "00"));
			assertThat(recordWithKey(records, "untraced").header("traceparent")).isNull();
		}
	}

	private static Received recordWithKey(KafkaRecordCollector records, String key) {
		return records.records().stream().filter((record) -> key.equals(record.key())).findFirst().orElseThrow();
	}

	@JdbcTestApplication
	static class TestApplication {

		@Bean(destroyMethod = "close")
		Tracing braveTracing() {
			return Tracing.newBuilder()
				.traceId128Bit(true)
				.currentTraceContext(ThreadLocalCurrentTraceContext.create())
				.propagationFactory(new W3CPropagation())
				.build();
		}

		@Bean
		Tracer tracer(Tracing braveTracing) {
			return new BraveTracer(braveTracing.tracer(), new BraveCurrentTraceContext(braveTracing.currentTraceContext()),
					new BraveBaggageManager());
		}

		@Bean
		Propagator propagator(Tracing braveTracing) {
			return new BravePropagator(braveTracing);
		}

	}

}
