package io.github.outbox.devservices;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

class EmbeddedKafkaServerTests {

	@Test
	void sharedBrokerAcceptsRecordsForTopicsThatWereCreated() throws Exception {
		String bootstrap = EmbeddedKafkaServer.shared().bootstrapServers();
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
				KafkaProducer<String, String> producer = producer(bootstrap, 30_000)) {
			admin.createTopics(List.of(new NewTopic("created", 1, (short) 1))).all().get();
			assertThat(producer.send(new ProducerRecord<>("created", "k", "v")).get().offset()).isZero();
		}
	}

	@Test
	void consumerGroupsReceiveWhatWasSent() throws Exception {
		String bootstrap = EmbeddedKafkaServer.shared().bootstrapServers();
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
				KafkaProducer<String, String> producer = producer(bootstrap, 30_000);
				KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
						bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "group", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
						"earliest"), new StringDeserializer(), new StringDeserializer())) {
			admin.createTopics(List.of(new NewTopic("grouped", 1, (short) 1))).all().get();
			producer.send(new ProducerRecord<>("grouped", "k", "v")).get();
			consumer.subscribe(List.of("grouped"));
			List<String> values = new ArrayList<>();
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach((record) -> values.add(record.value()));
				return !values.isEmpty();
			});
			assertThat(values).containsExactly("v");
		}
	}

	@Test
	void topicsAreNotCreatedAutomatically() {
		try (KafkaProducer<String, String> producer = producer(EmbeddedKafkaServer.shared().bootstrapServers(), 2_000)) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> producer.send(new ProducerRecord<>("never-created", "k", "v")).get())
				.withCauseInstanceOf(TimeoutException.class)
				.withMessageContaining("not present in metadata");
		}
	}

	@Test
	void brokerBehindAnOutageSwitchCanBeTakenOffTheNetworkAndBroughtBack() throws Exception {
		try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.startWithOutageSwitch();
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
				KafkaProducer<String, String> producer = producer(kafka.bootstrapServers(), 3_000)) {
			admin.createTopics(List.of(new NewTopic("outage", 1, (short) 1))).all().get();
			assertThat(producer.send(new ProducerRecord<>("outage", "k", "before")).get().offset()).isZero();

			kafka.disconnect();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> producer.send(new ProducerRecord<>("outage", "k", "during")).get())
				.withCauseInstanceOf(TimeoutException.class);

			kafka.reconnect();
			assertThat(producer.send(new ProducerRecord<>("outage", "k", "after")).get(30, TimeUnit.SECONDS).offset())
				.isPositive();
		}
	}

	@Test
	void brokerWithoutAnOutageSwitchRefusesToDisconnect() {
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> EmbeddedKafkaServer.shared().disconnect());
	}

	// A JVM exiting runs the application's shutdown and other shutdown hooks at once: the
	// broker's directory must stay until the broker is closed, or the broker halts the JVM.
	@Test
	void brokerKeepsItsDirectoryUntilClosedWhenTheJvmExits() throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				KafkaShutdownInChildJvm.class.getName())
			.redirectErrorStream(true)
			.start();
		List<String> output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
			.lines()
			.toList();
		assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(child.exitValue()).as("exit status; output:%n%s", String.join("\n", output)).isZero();
		assertThat(output).contains("closed-directory-exists=false");
	}

	@Test
	void brokerListensOnTheLoopbackInterfaceOnly() throws Exception {
		String bootstrap = EmbeddedKafkaServer.shared().bootstrapServers();
		assertThat(bootstrap).startsWith("127.0.0.1:");
		int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
		InetAddress external = ExternalAddress.find();
		assumeThat(external).as("an address of this machine other than loopback").isNotNull();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ExternalAddress.connect(external, port));
	}

	@Test
	void brokerThatFailsToStartLeavesNoDirectoryBehind() throws Exception {
		Set<Path> before = kafkaDirectories();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> EmbeddedKafkaServer.start(Map.of("num.network.threads", "0")).close())
			.withMessage("Embedded Kafka failed to start");
		assertThat(kafkaDirectories()).isEqualTo(before);
	}

	@Test
	void closedBrokerLeavesNoDirectoryBehind() throws Exception {
		Path directory;
		try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start()) {
			directory = kafka.directory();
			assertThat(directory).isDirectory();
		}
		assertThat(directory).doesNotExist();
	}

	private static Set<Path> kafkaDirectories() throws IOException {
		try (Stream<Path> paths = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return paths.filter((path) -> path.getFileName().toString().startsWith("outbox-kafka-"))
				.collect(Collectors.toSet());
		}
	}

	private static KafkaProducer<String, String> producer(String bootstrap, int timeoutMillis) {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMillis,
				ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMillis, 2_000),
				ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(timeoutMillis, 2_000) + 100),
				new StringSerializer(), new StringSerializer());
	}

}
