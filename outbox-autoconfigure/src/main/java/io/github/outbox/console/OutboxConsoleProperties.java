package io.github.outbox.console;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The pipeline console ({@code outbox.console.*}).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@ConfigurationProperties("outbox.console")
public class OutboxConsoleProperties {

	/**
	 * Whether to offer the pipeline console, the read-only Actuator endpoint outboxconsole. It
	 * still has to be exposed, as any endpoint.
	 */
	private boolean enabled;

	/**
	 * How often the page asks for the pipeline's figures. The server answers from one snapshot
	 * per interval, however many pages are open.
	 */
	private Duration refresh = Duration.ofSeconds(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getRefresh() {
		return this.refresh;
	}

	public void setRefresh(Duration refresh) {
		this.refresh = refresh;
	}

}
