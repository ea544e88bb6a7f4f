package io.github.outbox.publish;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

/**
 * The trace context of the code that publishes an event, as the propagation headers of the
 * application's tracer ({@code traceparent} with W3C propagation, Spring Boot's default). They
 * are stored with the event's headers, so that its Kafka record carries them and a consumer
 * continues the publisher's trace.
 */
interface TraceContext {

	TraceContext NONE = Map::of;

	/**
	 * Returns the propagation headers of the current span.
	 * @return the headers, empty when no span is current
	 */
	Map<String, String> currentHeaders();

	/**
	 * From Micrometer Tracing. Created only when it is on the class path.
	 */
	final class Micrometer implements TraceContext {

		private final Tracer tracer;

		private final Propagator propagator;

		Micrometer(Tracer tracer, Propagator propagator) {
			this.tracer = tracer;
			this.propagator = propagator;
		}

		@Override
		public Map<String, String> currentHeaders() {
			Span span = this.tracer.currentSpan();
			if (span == null) {
				return Map.of();
			}
			Map<String, String> headers = new LinkedHashMap<>();
			this.propagator.inject(span.context(), headers, Map::put);
			return headers;
		}

	}

}
