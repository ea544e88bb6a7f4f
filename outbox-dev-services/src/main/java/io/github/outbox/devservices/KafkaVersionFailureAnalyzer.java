package io.github.outbox.devservices;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a Kafka version the embedded broker cannot run with as a Spring Boot failure report,
 * with the property to set, instead of a stack trace.
 */
class KafkaVersionFailureAnalyzer extends AbstractFailureAnalyzer<KafkaVersionMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, KafkaVersionMismatchException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAdvice(), cause);
	}

}
