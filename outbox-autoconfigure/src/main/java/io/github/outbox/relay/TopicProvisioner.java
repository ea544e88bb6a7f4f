package io.github.outbox.relay;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.debezium.DebeziumException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Creates a missing event topic, with the broker's default partitions and replication, before
 * the relay first sends to it: through Spring Kafka's {@link KafkaAdmin}, once per topic. While
 * Kafka is unreachable it tries again with the relay's retry delays; a refusal that waiting does
 * not cure stops the relay at that event.
 */
final class TopicProvisioner {

	private static final Logger logger = LoggerFactory.getLogger(TopicProvisioner.class);

	private final @Nullable KafkaAdmin admin;

	private final KafkaAvailability kafka;

	private final BackOff backOff;

	private final Set<String> ready = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a provisioner.
	 * @param admin creates topics, or {@code null} to leave topic creation to others
	 * @param kafka told while Kafka cannot be reached
	 * @param backOff the delays between attempts
	 */
	TopicProvisioner(@Nullable KafkaAdmin admin, KafkaAvailability kafka, BackOff backOff) {
		this.admin = admin;
		this.kafka = kafka;
		this.backOff = backOff;
	}

	/**
	 * Makes sure a topic exists.
	 * @param topic the topic
	 * @param waitingSince when the records for it started waiting
	 * @throws InterruptedException if interrupted while waiting for Kafka
	 */
	void ensure(String topic, Instant waitingSince) throws InterruptedException {
		if (this.admin == null || this.ready.contains(topic)) {
			return;
		}
		BackOffExecution retries = this.backOff.start();
		while (true) {
			try {
				this.admin.createOrModifyTopics(new NewTopic(topic, Optional.empty(), Optional.empty()));
				this.ready.add(topic);
				return;
			}
			catch (KafkaException ex) {
				Throwable cause = kafkaCause(ex);
				if (cause instanceof AuthorizationException) {
					logger.warn("The relay may not create or describe topic {}; sending to it as if it existed", topic);
					this.ready.add(topic);
					return;
				}
				if (cause instanceof ApiException && !(cause instanceof RetriableException)) {
					// An invalid name, a replication factor the cluster cannot have, a policy: waiting
					// will not help.
					throw new DebeziumException("Kafka refused to create topic " + topic + ": " + cause.getMessage()
							+ ". The relay stops at the event for it rather than skip it; create the topic, or fix "
							+ "what Kafka says, and it resumes from there.", ex);
				}
				this.kafka.waiting(waitingSince, (cause != null) ? cause.getMessage() : ex.getMessage());
			}
			long delay = retries.nextBackOff();
			Thread.sleep((delay != BackOffExecution.STOP) ? delay : 1000);
		}
	}

	private static @Nullable Throwable kafkaCause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ApiException) {
				return cause;
			}
		}
		return null;
	}

}
