package io.github.outbox.contract;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an incompatible change of an event class at start-up: the event type, each property
 * and what it was and is, and the ways out.
 */
class IncompatibleEventSchemaFailureAnalyzer extends AbstractFailureAnalyzer<IncompatibleEventSchemaException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, IncompatibleEventSchemaException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAdvice(), cause);
	}

}
