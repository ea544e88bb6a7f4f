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

	static void delete(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			logger.debug("Deleting {} failed", directory, ex);
		}
	}

}
