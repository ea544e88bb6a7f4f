package io.github.outbox.schema;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a missing outbox schema at start-up with the ways out.
 */
class OutboxSchemaMissingFailureAnalyzer extends AbstractFailureAnalyzer<OutboxSchemaMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, OutboxSchemaMissingException cause) {
		return new FailureAnalysis(cause.getMessage(), "Correct outbox.table.schema if it is a typo, create the schema ('"
				+ "CREATE SCHEMA " + cause.getSchema() + "'), or set outbox.flyway.create-schema=true to let the outbox "
				+ "migrations create it.", cause);
	}

}
