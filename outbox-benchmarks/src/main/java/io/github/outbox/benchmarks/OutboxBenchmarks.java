package io.github.outbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import io.github.outbox.devservices.TcpProxy;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs the benchmarks and writes a Markdown report: commit throughput of the business
 * transaction alone, with one event per cleanup strategy and with Spring Modulith's registry
 * and externalization, the embedded relay's drain rate, and end-to-end latency at steady loads
 * for both. Every figure is the median of several rounds, except the drain, given per round.
 * <p>
 * Options ({@code --name=value}): {@code rounds} (3), {@code warm-up} (3s), {@code duration}
 * (10s), {@code backlog} (100000), {@code rates} (200,1000,5000), {@code parts}
 * (write,network,drain,latency: which parts to run), {@code fsync} (on), {@code output}
 * (target/benchmark-results.md).
 */
public final class OutboxBenchmarks {

	private static final Logger logger = LoggerFactory.getLogger(OutboxBenchmarks.class);

	private static final int[] THREADS = { 1, 8 };

	private static final String FLOOR = "business transaction alone (floor)";

	private static final long NETWORK_LATENCY_NANOS = 500_000;

	private static final String NETWORK = "0.5 ms network, ";

	private static final String MODULITH = "Spring Modulith";

	private final Map<String, String> options;

	private final Services services;

	OutboxBenchmarks(Map<String, String> options) {
		this.options = options;
		// Durable by default, as production runs: every commit waits for its WAL on disk.
		this.services = new Services(!"off".equals(options.getOrDefault("fsync", "on")));
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (arg.startsWith("--") && arg.contains("=")) {
				options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
			}
		}
		String report = new OutboxBenchmarks(options).run();
		Path output = Path.of(options.getOrDefault("output", "target/benchmark-results.md"));
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, report);
		System.out.println(report);
		logger.info("Report written to {}", output.toAbsolutePath());
		System.exit(0);
	}

	String run() throws InterruptedException, IOException {
		int rounds = Integer.parseInt(this.options.getOrDefault("rounds", "3"));
		Duration warmUp = duration("warm-up", "3s");
		Duration duration = duration("duration", "10s");
		int backlog = Integer.parseInt(this.options.getOrDefault("backlog", "100000"));
		int[] rates = Arrays.stream(this.options.getOrDefault("rates", "200,1000,5000").split(","))
			.mapToInt(Integer::parseInt)
			.toArray();
		List<String> parts = List.of(this.options.getOrDefault("parts", "write,network,drain,latency").split(","));

		WriteThroughput throughput = new WriteThroughput(warmUp, duration);
		Map<String, List<Double>> commits = new LinkedHashMap<>();
		List<Double> drainFromStart = new ArrayList<>();
		List<Double> drainFromFirst = new ArrayList<>();
		List<Double> drainSteady = new ArrayList<>();
		Map<String, Map<String, List<Double>>> latency = new LinkedHashMap<>();
		for (int round = 1; round <= rounds; round++) {
			logger.info("Round {} of {}", round, rounds);
			if (parts.contains("write")) {
				writeScenarios(throughput, commits);
			}
			if (parts.contains("network")) {
				networkScenarios(throughput, commits);
			}
			if (parts.contains("drain")) {
				RelayDrain.Result drain = new RelayDrain(this.services).measure(backlog, 8);
				logger.info("Drain: {} events/s from start, {} from first delivery, {} steady", (long) drain.fromStart(),
						(long) drain.fromFirstDelivery(), (long) drain.steady());
				drainFromStart.add(drain.fromStart());
				drainFromFirst.add(drain.fromFirstDelivery());
				drainSteady.add(drain.steady());
			}
			if (parts.contains("latency")) {
				measureLatency(warmUp, duration, rates, latency);
			}
		}
		return report(rounds, warmUp, duration, backlog, commits, drainFromStart, drainFromFirst, drainSteady,
				latency);
	}

	private void writeScenarios(WriteThroughput throughput, Map<String, List<Double>> commits)
			throws InterruptedException {
		writeScenario(FLOOR, outbox("retention", false), Orders::placeWithoutEvent, throughput, commits);
		writeScenario("+ one event inserted by hand (plain JDBC, no starter)", outbox("retention", false),
				Orders::placeWithHandWrittenInsert, throughput, commits);
		writeScenario("+ one event, retention", outbox("retention", false), Orders::place, throughput, commits);
		writeScenario("+ three events, retention", outbox("retention", false), Orders::placeWithThreeEvents,
				throughput, commits);
		writeScenario("+ one event, delete-after-insert", outbox("delete-after-insert", false), Orders::place,
				throughput, commits);
		writeScenario("+ one event, partitions", outbox("partitions", false), Orders::place, throughput, commits);
		writeScenario("+ one event, retention, embedded relay running", outbox("retention", true), Orders::place,
				throughput, commits);
		writeScenario(MODULITH + " (JPA registry + Kafka externalization)", this.services::startModulith,
				Orders::placeWithModulith, throughput, commits);
	}

	// Where the round trip the outbox saves shows: a database 0.5 ms away each way, as a managed
	// database in the same region often is, and a transaction of three statements.
	private void networkScenarios(WriteThroughput throughput, Map<String, List<Double>> commits)
			throws InterruptedException {
		try (TcpProxy network = this.services.network(Duration.ofNanos(NETWORK_LATENCY_NANOS))) {
			Function<Database, ConfigurableApplicationContext> start = (database) -> this.services.start(database, false,
					Map.of("spring.datasource.url", this.services.jdbcUrlThrough(database, network)));
			writeScenario(NETWORK + "business transaction alone (floor)", start, Orders::placeWithoutEvent, throughput,
					commits);
			writeScenario(NETWORK + "+ one event inserted by hand (plain JDBC, no starter)", start,
					Orders::placeWithHandWrittenInsert, throughput, commits);
			writeScenario(NETWORK + "+ one event, retention", start, Orders::place, throughput, commits);
			writeScenario(NETWORK + "three statements (floor)", start, Orders::placeAndAmendWithoutEvent, throughput,
					commits);
			writeScenario(NETWORK + "three statements + one event, retention", start, Orders::placeAndAmend, throughput,
					commits);
		}
	}

	private Function<Database, ConfigurableApplicationContext> outbox(String strategy, boolean relay) {
		return (database) -> {
			if (!relay && strategy.equals("delete-after-insert")) {
				// As a deployment relaying with Kafka Connect has it: the starter refuses to delete
				// events that no slot records.
				this.services.createSlot(database);
			}
			return this.services.start(database, relay, Map.of("outbox.cleanup.strategy", strategy));
		};
	}

	private void measureLatency(Duration warmUp, Duration duration, int[] rates,
			Map<String, Map<String, List<Double>>> latency) throws InterruptedException {
		EndToEndLatency endToEnd = new EndToEndLatency(this.services, warmUp, duration);
		for (boolean modulith : new boolean[] { false, true }) {
			String publisher = modulith ? MODULITH : "outbox starter, embedded relay";
			for (int rate : rates) {
				EndToEndLatency.Result result = endToEnd.measure(rate, modulith);
				logger.info("Latency of {} at {}/s: p50 {} ms, p99 {} ms", publisher, rate, result.millis(50),
						result.millis(99));
				Map<String, List<Double>> figures = latency.computeIfAbsent(publisher + "|" + rate,
						(key) -> new LinkedHashMap<>());
				figures.computeIfAbsent("achieved", (key) -> new ArrayList<>()).add(result.achievedRate());
				for (double percentile : new double[] { 50, 95, 99, 100 }) {
					figures.computeIfAbsent("p" + (int) percentile, (key) -> new ArrayList<>())
						.add(result.millis(percentile));
				}
			}
		}
	}

	private void writeScenario(String name, Function<Database, ConfigurableApplicationContext> start,
			Consumer<Orders> transaction, WriteThroughput throughput, Map<String, List<Double>> results)
			throws InterruptedException {
		Database database = this.services.database("write");
		try (ConfigurableApplicationContext service = start.apply(database)) {
			Orders orders = new Orders(service);
			for (int threads : THREADS) {
				double rate = throughput.measure(threads, () -> transaction.accept(orders));
				logger.info("{}, {} thread(s): {} commits/s", name, threads, (long) rate);
				results.computeIfAbsent(name + "|" + threads, (key) -> new ArrayList<>()).add(rate);
			}
		}
		finally {
			this.services.dropSlot(database);
		}
	}

	private String report(int rounds, Duration warmUp, Duration duration, int backlog, Map<String, List<Double>> commits,
			List<Double> drainFromStart, List<Double> drainFromFirst, List<Double> drainSteady,
			Map<String, Map<String, List<Double>>> latency) {
		StringBuilder report = new StringBuilder();
		report.append("# Benchmark results\n\n");
		report.append("- Date: ").append(LocalDate.now()).append('\n');
		report.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
			.append(System.getProperty("java.version")).append(", max heap ")
			.append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MB\n");
		report.append("- PostgreSQL: ").append(postgresVersion()).append(" (embedded, `synchronous_commit=on`, `fsync=")
			.append(this.services.fsync() ? "on" : "off").append("`)\n");
		report.append("- Kafka: ").append(AppInfoParser.getVersion()).append(" (embedded, one KRaft broker)\n");
		report.append("- Rounds: ").append(rounds).append(", each figure the median; warm-up ").append(warmUp.toSeconds())
			.append(" s, measured ").append(duration.toSeconds()).append(" s\n\n");

		if (!commits.isEmpty()) {
			commitReport(report, commits);
		}
		if (!drainFromStart.isEmpty()) {
			drainReport(report, backlog, drainFromStart, drainFromFirst, drainSteady);
		}
		if (!latency.isEmpty()) {
			latencyReport(report, latency);
		}
		return report.toString();
	}

	private static void commitReport(StringBuilder report, Map<String, List<Double>> commits) {
		report.append("## Commit throughput (commits/s)\n\n");
		report.append("| Scenario | 1 thread | vs floor | 8 threads | vs floor |\n|---|---|---|---|---|\n");
		// Each row against the floor above it: the local one, or the networked one.
		String floor = FLOOR;
		for (String name : commits.keySet().stream().map((key) -> key.substring(0, key.indexOf('|'))).distinct().toList()) {
			if (name.endsWith("(floor)")) {
				floor = name;
			}
			report.append("| ").append(name);
			for (int threads : THREADS) {
				double median = Stats.median(commits.get(name + "|" + threads));
				double floorMedian = Stats.median(commits.get(floor + "|" + threads));
				report.append(" | ").append(Math.round(median)).append(" | ")
					.append(String.format("%.0f%%", 100 * median / floorMedian));
			}
			report.append(" |\n");
		}
	}

	/**
	 * Each round's drain, since the first runs on a JVM whose JIT compiler is still busy with the
	 * relay's code, then the median of the later ones.
	 */
	private static void drainReport(StringBuilder report, int backlog, List<Double> fromStart,
			List<Double> fromFirst, List<Double> steady) {
		report.append("\n## Relay drain (").append(backlog).append(" events, one per transaction; events/s)\n\n");
		report.append("| Round | From the relay's start | From its first delivery | Steady (last 4/5) |\n|---|---|---|---|\n");
		for (int i = 0; i < fromStart.size(); i++) {
			report.append("| ").append(i + 1).append((i == 0) ? " (JIT still compiling)" : "").append(" | ")
				.append(Math.round(fromStart.get(i))).append(" | ").append(Math.round(fromFirst.get(i))).append(" | ")
				.append(Math.round(steady.get(i))).append(" |\n");
		}
		if (fromStart.size() > 1) {
			report.append("| median of rounds 2 to ").append(fromStart.size()).append(" | ")
				.append(Math.round(Stats.median(fromStart.subList(1, fromStart.size())))).append(" | ")
				.append(Math.round(Stats.median(fromFirst.subList(1, fromFirst.size())))).append(" | ")
				.append(Math.round(Stats.median(steady.subList(1, steady.size())))).append(" |\n");
		}
	}

	private static void latencyReport(StringBuilder report, Map<String, Map<String, List<Double>>> latency) {
		report.append("\n## End-to-end latency, commit returned → consumer received (ms)\n\n");
		report.append("| Publisher | Offered (events/s) | Achieved | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|\n");
		latency.forEach((key, figures) -> {
			report.append("| ").append(key.replace("|", " | ")).append(" | ")
				.append(Math.round(Stats.median(figures.get("achieved"))));
			for (String percentile : new String[] { "p50", "p95", "p99", "p100" }) {
				report.append(" | ").append(String.format("%.1f", Stats.median(figures.get(percentile))));
			}
			report.append(" |\n");
		});
	}

	private String postgresVersion() {
		Database database = this.services.database("version");
		return new JdbcTemplate(database.dataSource()).queryForObject("SHOW server_version", String.class);
	}

	private Duration duration(String name, String defaultValue) {
		return DurationStyle.detectAndParse(this.options.getOrDefault(name, defaultValue));
	}

}
