package io.github.outbox.relay;

import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.embedded.Transformations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.util.ClassUtils;

/**
 * Readies an instance that stands by to take over fast. An instance that has never relayed
 * pays, at the moment it takes over, for loading Debezium, PgJDBC's replication and Kafka
 * Connect's classes, initialising the connector's configuration, the outbox transformations and
 * the Kafka producer: measured, a cold take-over took five to ten seconds longer than one by an
 * instance that had relayed before. Once per instance, in a background thread of the lowest
 * priority, this does that work while the instance waits: it loads (without initialising) the
 * classes of those libraries, validates the connector's settings as the engine does (which
 * connects to the database once, read-only), configures the transformations and closes them,
 * and creates the producer the first engine run sends through.
 * <p>
 * Nothing here holds the slot or writes anything; a failure is logged at DEBUG and costs
 * only the time it would have saved.
 */
final class StandbyWarmUp {

	private static final Logger logger = LoggerFactory.getLogger(StandbyWarmUp.class);

	private static final String[] PACKAGES = { "io/debezium/", "org/postgresql/", "org/apache/kafka/connect/" };

	private final Properties engineSettings;

	private final DefaultKafkaProducerFactory<byte[], byte[]> producers;

	private final AtomicBoolean started = new AtomicBoolean();

	private final Object lock = new Object();

	private boolean closed;

	StandbyWarmUp(Properties engineSettings, DefaultKafkaProducerFactory<byte[], byte[]> producers) {
		this.engineSettings = engineSettings;
		this.producers = producers;
	}

	/**
	 * Starts the warm-up in the background, the first time only.
	 */
	void startOnce() {
		if (this.started.compareAndSet(false, true)) {
			Thread thread = new Thread(this::warmUp, "outbox-relay-warm-up");
			thread.setDaemon(true);
			thread.setPriority(Thread.MIN_PRIORITY);
			thread.start();
		}
	}

	void warmUp() {
		long start = System.nanoTime();
		int classes = loadClasses();
		try {
			Map<String, String> settings = Configuration.from(this.engineSettings).asMap();
			new PostgresConnector().validate(settings);
			new Transformations(Configuration.from(this.engineSettings)).close();
			synchronized (this.lock) {
				if (!this.closed) {
					this.producers.createProducer();
				}
			}
		}
		catch (RuntimeException | IOException | LinkageError ex) {
			logger.debug("Warming up for a take-over failed", ex);
		}
		logger.debug("Ready to take over: {} classes loaded, warmed up in {} ms", classes,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
	}

	/**
	 * Closes the producer the warm-up created, if no engine run has closed it since: an
	 * instance stopped while it stands by would otherwise keep a producer, and its network
	 * thread, reconnecting to Kafka for as long as the JVM lives. A warm-up still under way
	 * creates none afterwards.
	 */
	void close() {
		synchronized (this.lock) {
			this.closed = true;
			this.producers.reset();
		}
	}

	private int loadClasses() {
		ClassLoader classLoader = ClassUtils.getDefaultClassLoader();
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(classLoader);
		int loaded = 0;
		for (String root : PACKAGES) {
			Resource[] resources;
			try {
				resources = resolver.getResources("classpath*:" + root + "**/*.class");
			}
			catch (IOException ex) {
				logger.debug("Listing the classes under {} failed", root, ex);
				continue;
			}
			for (Resource resource : resources) {
				String name = className(resource, root);
				if (name == null || name.endsWith("module-info") || name.endsWith("package-info")) {
					continue;
				}
				try {
					Class.forName(name, false, classLoader);
					loaded++;
				}
				catch (ClassNotFoundException | LinkageError ex) {
					// A class for an optional library that is not on the class path: never used.
				}
			}
		}
		return loaded;
	}

	private static String className(Resource resource, String root) {
		String url;
		try {
			url = resource.getURL().toString();
		}
		catch (IOException ex) {
			return null;
		}
		int start = url.lastIndexOf(root);
		if (start < 0 || !url.endsWith(".class")) {
			return null;
		}
		return url.substring(start, url.length() - ".class".length()).replace('/', '.');
	}

}
