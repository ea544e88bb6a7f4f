package io.github.outbox.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka takes the relay's records: told by the sender when records wait for Kafka and
 * when Kafka acknowledges again, it logs once when an outage starts and once when it ends, and
 * tells the health indicator since when Kafka has been unavailable. An outage is noticed when
 * a record waits for it: an idle relay has nothing to notice.
 */
final class KafkaAvailability {

	private static final Logger logger = LoggerFactory.getLogger(KafkaAvailability.class);

	private final String bootstrapServers;

	private final Clock clock;

	private volatile @Nullable Instant unavailableSince;

	KafkaAvailability(String bootstrapServers, Clock clock) {
		this.bootstrapServers = bootstrapServers;
		this.clock = clock;
	}

	/**
	 * Records that records have been waiting for Kafka since a given time.
	 * @param since when the wait started
	 * @param cause what the producer says, if anything
	 */
	void waiting(Instant since, @Nullable String cause) {
		if (this.unavailableSince == null) {
			this.unavailableSince = since;
			logger.warn("Kafka is unavailable at {} ({}); the relay keeps trying and delivers every event once it is back",
					this.bootstrapServers, (cause != null) ? cause : "no acknowledgement");
		}
	}

	/**
	 * Records that Kafka acknowledged the records that waited.
	 */
	void acknowledged() {
		Instant since = this.unavailableSince;
		if (since != null) {
			this.unavailableSince = null;
			logger.info("Kafka is available again after {}s", Duration.between(since, this.clock.instant()).toSeconds());
		}
	}

	/**
	 * Returns since when records have been waiting for Kafka, if they are.
	 * @return the start of the outage, or {@code null}
	 */
	@Nullable Instant unavailableSince() {
		return this.unavailableSince;
	}

	String bootstrapServers() {
		return this.bootstrapServers;
	}

}
