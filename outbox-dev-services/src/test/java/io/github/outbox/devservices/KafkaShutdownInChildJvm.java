package io.github.outbox.devservices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import static org.awaitility.Awaitility.await;

/**
 * Run in a child JVM by {@link EmbeddedKafkaServerTests}: starts a broker with a topic, then
 * exits while a shutdown hook, like an application context closing, keeps the broker running
 * until it has written its checkpoint files once more, and only then closes it.
 */
public final class KafkaShutdownInChildJvm {

	private KafkaShutdownInChildJvm() {
	}

	public static void main(String[] args) throws Exception {
		EmbeddedKafkaServer server = EmbeddedKafkaServer.start();
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", server.bootstrapServers()))) {
			admin.createTopics(List.of(new NewTopic("checkpointed", 1, (short) 1))).all().get();
		}
		Path directory = server.directory();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			Instant shutdownStarted = Instant.now();
			// The broker checkpoints every 5 seconds: wait for one made during shutdown.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> checkpoint(directory).filter((time) -> time.toInstant().isAfter(shutdownStarted))
					.isPresent());
			server.close();
			System.out.println("closed-directory-exists=" + Files.exists(directory));
			System.out.flush();
		}));
		System.out.println("directory=" + directory);
		System.exit(0);
	}

	private static Optional<FileTime> checkpoint(Path directory) throws Exception {
		try (Stream<Path> files = Files.walk(directory)) {
			Optional<Path> checkpoint = files
				.filter((file) -> file.getFileName().toString().equals("replication-offset-checkpoint"))
				.findFirst();
			return (checkpoint.isPresent()) ? Optional.of(Files.getLastModifiedTime(checkpoint.get()))
					: Optional.empty();
		}
	}

}
