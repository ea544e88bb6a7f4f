package io.github.outbox.devservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary directories the embedded servers keep their data in: created at start, deleted
 * when they stop or fail to start.
 */
final class TemporaryDirectories {

	private static final Logger logger = LoggerFactory.getLogger(TemporaryDirectories.class);

	private TemporaryDirectories() {
	}

	static Path create(String prefix, String server) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(server + " failed to start", ex);
		}
	}

	// Zonky's own shutdown hook stops PostgreSQL and deletes its data directory while ours
	// deletes the whole directory: a file gone in the middle of the walk ends that walk (with
	// an UncheckedIOException), so walk again rather than leave the rest behind.
	static void delete(Path directory) {
		for (int attempt = 1; attempt <= 5 && Files.exists(directory); attempt++) {
			try (Stream<Path> paths = Files.walk(directory)) {
				paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
			catch (IOException | UncheckedIOException ex) {
				logger.debug("Deleting {} failed (attempt {})", directory, attempt, ex);
			}
		}
	}

}
