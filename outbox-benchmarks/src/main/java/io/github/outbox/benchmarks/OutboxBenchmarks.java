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

import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs the benchmarks and writes a Markdown report: commit throughput of the business
 * transaction alone and with one event per cleanup strategy, the embedded relay's drain rate,
 * and end-to-end latency at steady loads. Every figure is the median of several rounds.
 * <p>
 * Options ({@code --name=value}): {@code rounds} (3), {@code warm-up} (3s), {@code duration}
 * (10s), {@code backlog} (100000), {@code rates} (200,1000,5000), {@code output}
 * (target/benchmark-results.md).
 */
public final class OutboxBenchmarks {

	private static final Logger logger = LoggerFactory.getLogger(OutboxBenchmarks.class);

	private static final int[] THREADS = { 1, 8 };

	private final Map<String, String> options;

	private final Services services = new Services();

	OutboxBenchmarks(Map<String, String> options) {
		this.options = options;
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

		WriteThroughput throughput = new WriteThroughput(warmUp, duration);
		Map<String, List<Double>> commits = new LinkedHashMap<>();
		List<Double> drainFromStart = new ArrayList<>();
		List<Double> drainFromFirst = new ArrayList<>();
		Map<Integer, Map<String, List<Double>>> latency = new LinkedHashMap<>();
		for (int round = 1; round <= rounds; round++) {
			logger.info("Round {} of {}", round, rounds);
			writeScenario("business transaction alone (floor)", "retention", false, Orders::placeWithoutEvent, throughput,
					commits);
			writeScenario("+ one event, retention", "retention", false, Orders::place, throughput, commits);
			writeScenario("+ one event, delete-after-insert", "delete-after-insert", false, Orders::place, throughput,
					commits);
			writeScenario("+ one event, partitions", "partitions", false, Orders::place, throughput, commits);
			writeScenario("+ one event, retention, embedded relay running", "retention", true, Orders::place,
					throughput, commits);

			RelayDrain.Result drain = new RelayDrain(this.services).measure(backlog, 8);
			logger.info("Drain: {} events/s from start, {} from first delivery", (long) drain.fromStart(),
					(long) drain.fromFirstDelivery());
			drainFromStart.add(drain.fromStart());
			drainFromFirst.add(drain.fromFirstDelivery());

			EndToEndLatency endToEnd = new EndToEndLatency(this.services, warmUp, duration);
			for (int rate : rates) {
				EndToEndLatency.Result result = endToEnd.measure(rate);
				logger.info("Latency at {}/s: p50 {} ms, p99 {} ms", rate, result.millis(50), result.millis(99));
				Map<String, List<Double>> figures = latency.computeIfAbsent(rate, (key) -> new LinkedHashMap<>());
				figures.computeIfAbsent("achieved", (key) -> new ArrayList<>()).add(result.achievedRate());
				for (double percentile : new double[] { 50, 95, 99, 100 }) {
					figures.computeIfAbsent("p" + (int) percentile, (key) -> new ArrayList<>())
						.add(result.millis(percentile));
				}
			}
		}
		return report(rounds, warmUp, duration, backlog, commits, drainFromStart, drainFromFirst, latency);
	}

	private void writeScenario(String name, String strategy, boolean relay, Consumer<Orders> transaction,
			WriteThroughput throughput, Map<String, List<Double>> results) throws InterruptedException {
		Database database = this.services.database("write");
		try (ConfigurableApplicationContext service = this.services.start(database, relay,
				Map.of("outbox.cleanup.strategy", strategy))) {
			Orders orders = new Orders(service);
			for (int threads : THREADS) {
				double rate = throughput.measure(threads, () -> transaction.accept(orders));
				logger.info("{}, {} thread(s): {} commits/s", name, threads, (long) rate);
				results.computeIfAbsent(name + "|" + threads, (key) -> new ArrayList<>()).add(rate);
			}
		}
	}

	private String report(int rounds, Duration warmUp, Duration duration, int backlog, Map<String, List<Double>> commits,
			List<Double> drainFromStart, List<Double> drainFromFirst, Map<Integer, Map<String, List<Double>>> latency) {
		StringBuilder report = new StringBuilder();
		report.append("# Benchmark results\n\n");
		report.append("- Date: ").append(LocalDate.now()).append('\n');
		report.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
			.append(System.getProperty("java.version")).append(", max heap ")
			.append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MB\n");
		report.append("- PostgreSQL: ").append(postgresVersion()).append(" (embedded, `synchronous_commit=on`)\n");
		report.append("- Kafka: ").append(AppInfoParser.getVersion()).append(" (embedded, one KRaft broker)\n");
		report.append("- Rounds: ").append(rounds).append(", each figure the median; warm-up ").append(warmUp.toSeconds())
			.append(" s, measured ").append(duration.toSeconds()).append(" s\n\n");

		report.append("## Commit throughput (commits/s)\n\n");
		report.append("| Scenario | 1 thread | vs floor | 8 threads | vs floor |\n|---|---|---|---|---|\n");
		String floor = "business transaction alone (floor)";
		commits.keySet().stream().map((key) -> key.substring(0, key.indexOf('|'))).distinct().forEach((name) -> {
			report.append("| ").append(name);
			for (int threads : THREADS) {
				double median = Stats.median(commits.get(name + "|" + threads));
				double floorMedian = Stats.median(commits.get(floor + "|" + threads));
				report.append(" | ").append(Math.round(median)).append(" | ")
					.append(String.format("%.0f%%", 100 * median / floorMedian));
			}
			report.append(" |\n");
		});

		report.append("\n## Relay drain (").append(backlog).append(" events, one per transaction)\n\n");
		report.append("| From the relay's start | From its first delivery |\n|---|---|\n");
		report.append("| ").append(Math.round(Stats.median(drainFromStart))).append(" events/s | ")
			.append(Math.round(Stats.median(drainFromFirst))).append(" events/s |\n");

		report.append("\n## End-to-end latency, commit returned → consumer received (ms)\n\n");
		report.append("| Offered (events/s) | Achieved | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|\n");
		latency.forEach((rate, figures) -> {
			report.append("| ").append(rate).append(" | ").append(Math.round(Stats.median(figures.get("achieved"))));
			for (String percentile : new String[] { "p50", "p95", "p99", "p100" }) {
				report.append(" | ").append(String.format("%.1f", Stats.median(figures.get(percentile))));
			}
			report.append(" |\n");
		});
		return report.toString();
	}

	private String postgresVersion() {
		Database database = this.services.database("version");
		return new JdbcTemplate(database.dataSource()).queryForObject("SHOW server_version", String.class);
	}

	private Duration duration(String name, String defaultValue) {
		return DurationStyle.detectAndParse(this.options.getOrDefault(name, defaultValue));
	}

}
