package io.github.outbox.relay;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the relay cannot be set up as configured. {@link RelayFailureAnalyzer} turns it
 * into a start-up report of what to change.
 */
class RelayConfigurationException extends RuntimeException {

	private final String action;

	RelayConfigurationException(String description, String action) {
		this(description, action, null);
	}

	RelayConfigurationException(String description, String action, @Nullable Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	String getAction() {
		return this.action;
	}

}
