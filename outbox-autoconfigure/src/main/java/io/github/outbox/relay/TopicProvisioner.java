package io.github.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.debezium.DebeziumException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Creates a missing event topic, with the broker's default partitions and replication, before
 * the relay first sends to it, once per topic, with the application's admin settings. While
 * Kafka is unreachable it tries again with the relay's retry delays; a refusal that waiting does
 * not cure stops the relay at that event.
 * <p>
 * Kafka's {@link Admin} itself rather than Spring Kafka's {@code KafkaAdmin}, which logs each
 * failed attempt at ERROR during an outage and returns normally when interrupted, whether or not
 * it created the topic.
 */
final class TopicProvisioner {

	private static final Logger logger = LoggerFactory.getLogger(TopicProvisioner.class);

	private final @Nullable Map<String, Object> admin;

	private final KafkaAvailability kafka;

	private final BackOff backOff;

	private final Duration patience;

	private final Set<String> ready = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a provisioner.
	 * @param admin the admin client's settings, or {@code null} to leave topic creation to others
	 * @param kafka told while Kafka cannot be reached
	 * @param backOff the delays between attempts
	 * @param patience how long an attempt may wait for Kafka
	 */
	TopicProvisioner(@Nullable Map<String, Object> admin, KafkaAvailability kafka, BackOff backOff, Duration patience) {
		this.admin = admin;
		this.kafka = kafka;
		this.backOff = backOff;
		this.patience = patience;
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
			String unavailable = attempt(topic);
			if (unavailable == null) {
				this.ready.add(topic);
				return;
			}
			this.kafka.waiting(waitingSince, unavailable);
			long delay = retries.nextBackOff();
			Thread.sleep((delay != BackOffExecution.STOP) ? delay : 1000);
		}
	}

	/**
	 * Makes sure again that a topic exists, when Kafka gives the producer no metadata for it
	 * (deleted meanwhile, or never created).
	 * @param topic the topic
	 * @param waitingSince when the records for it started waiting
	 * @throws InterruptedException if interrupted while waiting for Kafka
	 */
	void recheck(String topic, Instant waitingSince) throws InterruptedException {
		this.ready.remove(topic);
		ensure(topic, waitingSince);
	}

	/**
	 * Tries once to create the topic.
	 * @return why Kafka could not be asked, or {@code null} if the topic exists now
	 */
	private @Nullable String attempt(String topic) throws InterruptedException {
		Admin client = Admin.create(this.admin);
		try {
			client.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
				.all()
				.get(this.patience.toMillis(), TimeUnit.MILLISECONDS);
			logger.info("Created topic {}", topic);
			return null;
		}
		catch (TimeoutException ex) {
			return "no answer to creating topic " + topic + " within " + this.patience.toSeconds() + "s";
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof TopicExistsException) {
				return null;
			}
			if (cause instanceof AuthorizationException) {
				logger.warn("The relay may not create topic {}; sending to it as if it existed", topic);
				return null;
			}
			if (cause instanceof ApiException && !(cause instanceof RetriableException)) {
				// An invalid name, a replication factor the cluster cannot have, a policy: waiting
				// will not help.
				throw new DebeziumException("Kafka refused to create topic " + topic + ": " + cause.getMessage()
						+ ". The relay stops at the event for it rather than skip it; create the topic, or fix what "
						+ "Kafka says, and it resumes from there.", cause);
			}
			return (cause != null) ? cause.getMessage() : ex.getMessage();
		}
		finally {
			client.close(Duration.ZERO);
		}
	}

}
