package io.github.outbox.contract;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the event schema registry ({@code outbox.schema.*}).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@ConfigurationProperties("outbox.schema")
public class OutboxEventSchemaProperties {

	/**
	 * Whether to register the schema of each event class at start-up, and stop the start-up
	 * when one changed incompatibly.
	 */
	private boolean enabled = true;

	/**
	 * Which registered versions a changed event class must stay compatible with, and in which
	 * direction.
	 */
	private SchemaCompatibility compatibility = SchemaCompatibility.FORWARD;

	/**
	 * Packages to find event classes in, besides the application's own (those of its
	 * @SpringBootApplication).
	 */
	private List<String> packages = new ArrayList<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public SchemaCompatibility getCompatibility() {
		return this.compatibility;
	}

	public void setCompatibility(SchemaCompatibility compatibility) {
		this.compatibility = compatibility;
	}

	public List<String> getPackages() {
		return this.packages;
	}

	public void setPackages(List<String> packages) {
		this.packages = packages;
	}

}
