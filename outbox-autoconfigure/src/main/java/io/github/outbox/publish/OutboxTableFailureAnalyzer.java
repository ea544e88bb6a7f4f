package io.github.outbox.publish;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a missing or mismatched outbox table at start-up with what to change.
 */
class OutboxTableFailureAnalyzer extends AbstractFailureAnalyzer<OutboxTableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, OutboxTableException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAdvice(), cause);
	}

}
