package io.github.outbox.relay;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a relay that cannot be set up (logical replication off, no privilege to create the
 * slot, a slot of another kind) with what to change.
 */
class RelayFailureAnalyzer extends AbstractFailureAnalyzer<RelayConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RelayConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
