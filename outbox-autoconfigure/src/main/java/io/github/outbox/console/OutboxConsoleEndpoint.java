package io.github.outbox.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * Actuator endpoint {@code outboxconsole}: {@code GET /actuator/outboxconsole} is the console's
 * page, {@code GET /actuator/outboxconsole/pipeline} the {@link PipelineSnapshot} it polls.
 * Read-only. Being an endpoint, it is exposed, secured and moved as the application's other
 * Actuator endpoints are ({@code management.endpoints.web.exposure.include}, Spring Security's
 * {@code EndpointRequest}); it exists only with {@code outbox.console.enabled=true}.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@WebEndpoint(id = "outboxconsole")
public class OutboxConsoleEndpoint {

	private static final String PAGE = "console.html";

	private final PipelineSnapshots snapshots;

	private final String page;

	OutboxConsoleEndpoint(PipelineSnapshots snapshots, long refreshMillis) {
		this.snapshots = snapshots;
		this.page = read(PAGE).replace("{{refreshMillis}}", Long.toString(refreshMillis));
	}

	/**
	 * The console's page: plain HTML, its style and its script in one document, nothing loaded
	 * from elsewhere.
	 * @return the page
	 */
	@ReadOperation(produces = "text/html;charset=UTF-8")
	public String page() {
		return this.page;
	}

	/**
	 * A part of the console's data.
	 * @param part {@code pipeline}
	 * @return the pipeline now, or {@code null} (404) for another part
	 */
	@ReadOperation
	public @Nullable PipelineSnapshot part(@Selector String part) {
		return "pipeline".equals(part) ? this.snapshots.current() : null;
	}

	private static String read(String name) {
		try (InputStream in = OutboxConsoleEndpoint.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("The console's " + name + " is missing from the outbox jar");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
