package io.github.outbox.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.github.outbox.soak.Fault.Injected;
import io.github.outbox.soak.topology.KafkaBroker;
import io.github.outbox.soak.topology.PostgresServer;
import io.github.outbox.soak.topology.ServiceInstance;
import io.github.outbox.soak.topology.ServiceInstance.RelayState;

/**
 * One soak run: starts the topology (PostgreSQL and a Kafka broker in processes of their own,
 * two instances of the orders service and one of the payments service, each with the
 * embedded relay), puts load on it, injects the faults of the schedule, lets everything drain,
 * and collects what the verifier needs.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class SoakRun {

	private static final Duration DRAIN = Duration.ofMinutes(3);

	private final SoakSettings settings;

	private final Path directory;

	private final Consumer<String> progress;

	SoakRun(SoakSettings settings, Path directory, Consumer<String> progress) {
		this.settings = settings;
		this.directory = directory;
		this.progress = progress;
	}

	/**
	 * Runs a soak profile from the command line: {@code smoke} or {@code full}, and the
	 * directory the report goes to.
	 */
	public static void main(String[] args) throws Exception {
		SoakSettings settings = SoakSettings.named((args.length > 0) ? args[0] : "smoke");
		Path report = Path.of((args.length > 1) ? args[1] : "target/soak-report");
		Verdict verdict = run(settings, Path.of("target", "soak"), report);
		System.exit(verdict.passed() ? 0 : 1);
	}

	/**
	 * Runs the soak and writes its report.
	 * @param settings the profile
	 * @param work where the servers' data and the logs go (emptied first)
	 * @param report where the report goes
	 * @return the verdict
	 */
	public static Verdict run(SoakSettings settings, Path directory, Path report) throws Exception {
		Path work = directory.toAbsolutePath();
		deleteRecursively(work);
		Files.createDirectories(work);
		long started = System.currentTimeMillis();
		Observations observations = new SoakRun(settings, work, (line) -> System.out.println("[soak] " + line)).observe();
		Verdict verdict = new Verifier(settings, observations).verify();
		new Report(settings, observations, verdict, System.currentTimeMillis() - started).write(report);
		System.out.println("[soak] " + verdict.summary());
		return verdict;
	}

	Observations observe() throws Exception {
		try (PostgresServer postgres = PostgresServer.start(this.settings.walSenderTimeout()); KafkaBroker kafka = KafkaBroker.start(this.directory.resolve("kafka"))) {
			this.progress.accept("PostgreSQL " + postgres.version() + " on port " + postgres.port() + ", Kafka at "
					+ kafka.bootstrapServers());
			kafka.createTopics(List.of("outbox.event." + SoakSettings.ORDERS, "outbox.event." + SoakSettings.PAYMENTS));
			postgres.createDatabase(SoakSettings.ORDERS);
			postgres.createDatabase(SoakSettings.PAYMENTS);
			Map<String, List<ServiceInstance>> services = new LinkedHashMap<>();
			services.put(SoakSettings.ORDERS, List.of(instance(SoakSettings.ORDERS, 1, postgres, kafka),
					instance(SoakSettings.ORDERS, 2, postgres, kafka)));
			services.put(SoakSettings.PAYMENTS, List.of(instance(SoakSettings.PAYMENTS, 1, postgres, kafka)));
			List<ServiceInstance> instances = services.values().stream().flatMap(List::stream).toList();
			RecordLog records = new RecordLog(kafka.bootstrapServers());
			Timeline timeline = new Timeline(instances, postgres, records::count);
			LoadGenerator load = new LoadGenerator(services, this.settings.writers(),
					this.settings.transactionsPerSecond(), this.settings.eventsPerTransaction());
			List<Injected> injected = new ArrayList<>();
			try {
				for (ServiceInstance instance : instances) {
					instance.start(Duration.ofMinutes(3));
					this.progress.accept(instance.name() + " started");
				}
				for (String service : services.keySet()) {
					leader(services.get(service), Duration.ofMinutes(2));
				}
				records.start();
				timeline.start();
				long loadStarted = System.currentTimeMillis();
				load.start();
				Thread.sleep(this.settings.warmUp().toMillis());
				Faults faults = new Faults(services, postgres, kafka, records);
				for (Fault fault : this.settings.faults()) {
					Injected done = faults.inject(fault);
					injected.add(done);
					this.progress.accept(String.format("%s on %s: %.1f s; %d transactions committed so far", fault.label(),
							done.target(), (done.endedAt() - done.startedAt()) / 1000.0, load.committed()));
					// One fault at a time: the next waits until every service relays again (each
					// fault's recovery is then its own), and the load runs on for the gap.
					awaitRelaying(services, Duration.ofMinutes(3));
					Thread.sleep(this.settings.gap().toMillis());
				}
				load.stop();
				long loadStopped = System.currentTimeMillis();
				this.progress.accept(load.committed() + " transactions committed, " + load.ambiguous() + " ambiguous, "
						+ load.refused() + " refused; draining");
				awaitDrained(postgres, services.keySet(), records);
				// Then quiet: whatever still arrives (a replay, a late duplicate, a second application)
				// is seen too, and the health timeline covers the last fault's recovery.
				awaitQuiet(records, Duration.ofSeconds(15), Duration.ofSeconds(90));
				stopAll(instances);
				timeline.stop();
				records.stop();
				Map<String, List<Committed>> truth = new LinkedHashMap<>();
				Map<String, Map<String, Long>> orders = new LinkedHashMap<>();
				Map<String, Map<String, Integer>> applied = new LinkedHashMap<>();
				for (String service : services.keySet()) {
					truth.put(service, committed(postgres, service));
					orders.put(service, orders(postgres, service));
					applied.put(service, applied(postgres, service));
				}
				return new Observations(postgres.version(), kafka.bootstrapServers(), loadStarted, loadStopped, truth,
						orders, applied, load.log(), records.records(), timeline.samples(), injected, instances.stream()
							.map(ServiceInstance::name)
							.toList());
			}
			finally {
				load.stop();
				timeline.stopQuietly();
				records.stopQuietly();
				stopAll(instances);
			}
		}
	}

	// Each instance stopped on its own: one that fails to stop does not keep the others running.
	private void stopAll(List<ServiceInstance> instances) {
		for (ServiceInstance instance : instances) {
			try {
				if (instance.isAlive()) {
					instance.thaw();
					instance.stop();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				this.progress.accept("stopping " + instance.name() + " failed: " + ex);
			}
		}
	}

	private ServiceInstance instance(String service, int number, PostgresServer postgres, KafkaBroker kafka)
			throws IOException {
		return new ServiceInstance(service, service + "-" + number, postgres, kafka.bootstrapServers(),
				this.directory.resolve("logs"), List.of());
	}

	// Waits until each service has an instance whose relay streams and reports UP.
	private static void awaitRelaying(Map<String, List<ServiceInstance>> services, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (List<ServiceInstance> instances : services.values()) {
			while (instances.stream().map(ServiceInstance::relayState).noneMatch((state) -> state != null
					&& state.relaying() && "UP".equals(state.status()))) {
				if (System.nanoTime() > deadline) {
					return;
				}
				Thread.sleep(250);
			}
		}
	}

	/**
	 * Waits for the instance of the service whose relay streams.
	 */
	static ServiceInstance leader(List<ServiceInstance> instances, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			for (ServiceInstance instance : instances) {
				RelayState state = instance.isAvailable() ? instance.relayState() : null;
				if (state != null && state.relaying()) {
					return instance;
				}
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("No instance of " + instances.get(0).name() + "'s service relays");
	}

	// Waits until the independent consumer has seen as many distinct events as the databases
	// hold and the inbox consumers have applied as many; patient while there is progress.
	private void awaitDrained(PostgresServer postgres, Set<String> services, RecordLog records)
			throws InterruptedException, SQLException {
		long deadline = System.nanoTime() + DRAIN.toNanos();
		long hardDeadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
		long behind = Long.MAX_VALUE;
		while (true) {
			long expected = 0;
			long applied = 0;
			for (String service : services) {
				expected += count(postgres, service, "outbox_event");
				applied += count(postgres, service, "soak_applied");
			}
			long unseen = Math.max(0, expected - records.distinct());
			long unapplied = Math.max(0, expected - applied);
			if (unseen + unapplied < behind) {
				behind = unseen + unapplied;
				deadline = Math.max(deadline, System.nanoTime() + Duration.ofMinutes(1).toNanos());
			}
			long now = System.nanoTime();
			if (behind == 0 || now > deadline || now > hardDeadline) {
				this.progress.accept(expected + " events committed; " + unseen + " not seen by the consumer, " + unapplied
						+ " not applied by the inboxes");
				return;
			}
			Thread.sleep(1000);
		}
	}

	// Waits until no record has arrived for the given time (at most the limit).
	private static void awaitQuiet(RecordLog records, Duration quiet, Duration limit) throws InterruptedException {
		long end = System.nanoTime() + limit.toNanos();
		long last = records.count();
		long quietSince = System.nanoTime();
		while (System.nanoTime() < end) {
			Thread.sleep(500);
			long now = records.count();
			if (now != last) {
				last = now;
				quietSince = System.nanoTime();
			}
			else if (System.nanoTime() - quietSince >= quiet.toNanos()) {
				return;
			}
		}
	}

	private static long count(PostgresServer postgres, String database, String table) throws SQLException {
		long[] count = new long[1];
		query(postgres, database, "SELECT count(*) FROM " + table, (row) -> count[0] = row.getLong(1));
		return count[0];
	}

	// The business rows: each order's sequence number, which its events must cover exactly.
	private static Map<String, Long> orders(PostgresServer postgres, String service) throws SQLException {
		Map<String, Long> orders = new HashMap<>();
		query(postgres, service, "SELECT id, seq FROM soak_order", (row) -> orders.put(row.getString(1), row.getLong(2)));
		return orders;
	}

	private static List<Committed> committed(PostgresServer postgres, String service) throws SQLException {
		List<Committed> events = new ArrayList<>();
		query(postgres, service, "SELECT id::text, aggregateid, type, (payload->>'seq')::bigint,"
				+ " extract(epoch FROM created_at) * 1000 FROM outbox_event",
				(row) -> events.add(new Committed(row.getString(1), row.getString(2), row.getString(3).intern(),
						row.getLong(4), row.getLong(5))));
		events.sort(Comparator.comparingLong(Committed::createdAt));
		return events;
	}

	private static Map<String, Integer> applied(PostgresServer postgres, String service) throws SQLException {
		Map<String, Integer> applied = new HashMap<>();
		query(postgres, service, "SELECT event_id, applications FROM soak_applied",
				(row) -> applied.put(row.getString(1), row.getInt(2)));
		return applied;
	}

	private static void query(PostgresServer postgres, String database, String sql, Row row) throws SQLException {
		try (Connection connection = postgres.connect(database);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			while (result.next()) {
				row.read(result);
			}
		}
	}

	@FunctionalInterface
	private interface Row {

		void read(ResultSet row) throws SQLException;

	}

	static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * An event as the database holds it: the truth the verifier compares with.
	 */
	record Committed(String id, String aggregateId, String type, long seq, long createdAt) {
	}

	/**
	 * Everything a run observed: the events the databases hold, each order's business row
	 * (its sequence number), each inbox's applications, the writers' log, every record, the
	 * timeline and the faults.
	 */
	record Observations(String postgresVersion, String bootstrapServers, long loadStarted, long loadStopped,
			Map<String, List<Committed>> committed, Map<String, Map<String, Long>> orders,
			Map<String, Map<String, Integer>> applied,
			List<LoadGenerator.Step> steps, List<RecordLog.Seen> records, List<Timeline.Sample> samples,
			List<Injected> faults, List<String> instances) {
	}

}
