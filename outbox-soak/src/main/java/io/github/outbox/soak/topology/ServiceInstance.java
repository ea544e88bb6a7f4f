package io.github.outbox.soak.topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of a soak service in a JVM of its own, with the embedded relay, reached over
 * HTTP: its business endpoint and its health.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class ServiceInstance {

	private static final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private final String name;

	private final int port;

	private final ChildJvm jvm;

	private volatile boolean available;

	/**
	 * An instance, not started yet.
	 * @param service the service it is an instance of (its aggregate type and topic too)
	 * @param name the instance's name, such as {@code orders-1}
	 * @param postgres the server, with a database named after the service
	 * @param bootstrapServers the broker
	 * @param directory where its log goes
	 * @param settings further properties, {@code key=value}
	 */
	public ServiceInstance(String service, String name, PostgresServer postgres, String bootstrapServers, Path directory,
			List<String> settings) throws IOException {
		this.name = name;
		this.port = KafkaBroker.freePort();
		List<String> args = new ArrayList<>(List.of("--server.port=" + this.port, "--soak.service=" + service,
				"--spring.application.name=" + service, "--spring.datasource.url=" + postgres.jdbcUrl(service),
				"--spring.datasource.username=" + postgres.username(), "--spring.kafka.bootstrap-servers=" + bootstrapServers,
				"--outbox.relay.slot-name=" + service + "_slot"));
		settings.forEach((setting) -> args.add("--" + setting));
		this.jvm = new ChildJvm("320m", directory.resolve(name + ".out"), List.of(),
				"io.github.outbox.soak.service.SoakServiceApplication", args);
	}

	public String name() {
		return this.name;
	}

	/**
	 * Starts the instance and waits until it answers.
	 */
	public void start(Duration timeout) throws InterruptedException {
		this.jvm.start();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (relayState() == null) {
			if (!this.jvm.isAlive() || System.nanoTime() > deadline) {
				throw new IllegalStateException(this.name + " did not start");
			}
			Thread.sleep(200);
		}
		this.available = true;
	}

	public void kill() throws InterruptedException {
		this.available = false;
		this.jvm.kill();
	}

	public void stop() throws InterruptedException {
		this.available = false;
		this.jvm.stop(Duration.ofSeconds(60));
	}

	public void freeze() {
		this.available = false;
		this.jvm.freeze();
	}

	public void thaw() {
		this.jvm.thaw();
		this.available = true;
	}

	/**
	 * Whether the load generator may send it requests: started and neither stopping, killed
	 * nor frozen (a load balancer would take it out of rotation).
	 */
	public boolean isAvailable() {
		return this.available;
	}

	public boolean isAlive() {
		return this.jvm.isAlive();
	}

	/**
	 * Runs one step of an order's life.
	 * @param events how many events the step publishes
	 * @return the step's sequence number, as committed
	 * @throws IOException if there was no answer (the step may or may not have committed)
	 * @throws IllegalStateException if the service answered with an error (nothing committed)
	 */
	public long step(HttpClient client, String aggregateId, String step, int events)
			throws IOException, InterruptedException {
		HttpResponse<String> response = client.send(HttpRequest
			.newBuilder(URI.create(
					"http://127.0.0.1:" + this.port + "/orders/" + aggregateId + "/" + step + "?events=" + events))
					.POST(HttpRequest.BodyPublishers.noBody())
					.timeout(Duration.ofSeconds(10))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(this.name + " answered " + response.statusCode());
		}
		String body = response.body();
		return Long.parseLong(body.replaceAll("[^0-9]", ""));
	}

	/**
	 * Reads the relay's health.
	 * @return status and relay state (such as {@code UP/relaying}), or {@code null} if the
	 * instance does not answer
	 */
	public RelayState relayState() {
		try {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health"))
						.timeout(Duration.ofSeconds(2))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			com.fasterxml.jackson.databind.JsonNode relay = json.readTree(response.body()).path("components").path("outboxRelay");
			return relay.has("status") ? new RelayState(relay.path("status").asText(), relay.path("details").path("relay").asText())
					: null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * The relay's health on one instance.
	 *
	 * @param status the health status
	 * @param relay what the instance's relay does ({@code relaying}, {@code standing by}, ...)
	 */
	public record RelayState(String status, String relay) {

		public boolean relaying() {
			return "relaying".equals(this.relay);
		}

	}

}
