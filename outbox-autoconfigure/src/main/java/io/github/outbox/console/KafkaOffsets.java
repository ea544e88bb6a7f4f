package io.github.outbox.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.github.outbox.console.PipelineSnapshot.Consumer;
import io.github.outbox.console.PipelineSnapshot.Kafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Asks Kafka for the end offsets of the outbox topics and for the committed offsets of this
 * instance's consumer groups, through one {@link Admin} client kept for the console's
 * lifetime. Each question has a short timeout: an unreachable Kafka makes the stage red, it
 * does not hold the page up.
 */
final class KafkaOffsets implements DisposableBean {

	private static final Duration TIMEOUT = Duration.ofMillis(1500);

	// Spring Kafka's DeadLetterPublishingRecoverer, as the inbox's dead-letter option sets it up.
	static final String DEAD_LETTER_SUFFIX = "-dlt";

	private final Map<String, Object> adminSettings;

	private final @Nullable KafkaListenerEndpointRegistry listeners;

	private @Nullable Admin admin;

	KafkaOffsets(Map<String, Object> adminSettings, @Nullable KafkaListenerEndpointRegistry listeners) {
		Map<String, Object> settings = new HashMap<>(adminSettings);
		settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
		settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
		settings.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "outbox-console");
		this.adminSettings = settings;
		this.listeners = listeners;
	}

	/**
	 * Reads the offsets now.
	 * @param outboxTopics the outbox topics this instance publishes to
	 * @return what Kafka answered, or why it did not
	 */
	Kafka read(Collection<String> outboxTopics) {
		List<MessageListenerContainer> containers = (this.listeners != null)
				? new ArrayList<>(this.listeners.getListenerContainers()) : List.of();
		Set<String> wanted = new HashSet<>(outboxTopics);
		containers.forEach((container) -> topicsOf(container).forEach((topic) -> {
			wanted.add(topic);
			wanted.add(topic + DEAD_LETTER_SUFFIX);
		}));
		try {
			Admin admin = admin();
			// Only topics that exist: one the relay has not created yet is not an outage.
			Set<String> topics = new HashSet<>(admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
			topics.retainAll(wanted);
			Map<String, TopicDescription> described = admin.describeTopics(topics)
				.allTopicNames()
				.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
			described.values()
				.forEach((topic) -> topic.partitions()
					.forEach((partition) -> latest.put(new TopicPartition(topic.name(), partition.partition()),
							OffsetSpec.latest())));
			Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest)
				.all()
				.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			Map<String, Long> endOffsets = new TreeMap<>();
			ends.forEach((partition, info) -> endOffsets.merge(partition.topic(), info.offset(), Long::sum));
			List<Consumer> consumers = new ArrayList<>();
			for (MessageListenerContainer container : containers) {
				consumers.add(consumer(admin, container, ends));
			}
			return new Kafka(true, null, endOffsets, consumers);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return unreachable(containers, "interrupted");
		}
		catch (Exception ex) {
			return unreachable(containers, describe(ex));
		}
	}

	private Consumer consumer(Admin admin, MessageListenerContainer container,
			Map<TopicPartition, ListOffsetsResultInfo> ends) throws Exception {
		String group = container.getGroupId();
		List<String> topics = topicsOf(container);
		if (group == null) {
			return new Consumer(nameOf(container), topics, container.isRunning(), null);
		}
		Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		long lag = 0;
		for (Map.Entry<TopicPartition, ListOffsetsResultInfo> end : ends.entrySet()) {
			OffsetAndMetadata offset = committed.get(end.getKey());
			// A partition the group has not committed on yet is left out rather than counted from
			// 0; the end offsets were read first, so a group may have committed past them since.
			if (topics.contains(end.getKey().topic()) && offset != null) {
				lag += Math.max(0, end.getValue().offset() - offset.offset());
			}
		}
		return new Consumer(group, topics, container.isRunning(), lag);
	}

	private static Kafka unreachable(List<MessageListenerContainer> containers, String problem) {
		List<Consumer> consumers = containers.stream()
			.map((container) -> new Consumer(nameOf(container), topicsOf(container), container.isRunning(), null))
			.toList();
		return new Kafka(false, problem, Map.of(), consumers);
	}

	private static String nameOf(MessageListenerContainer container) {
		String group = container.getGroupId();
		return (group != null) ? group : String.valueOf(container.getListenerId());
	}

	private static List<String> topicsOf(MessageListenerContainer container) {
		String[] topics = container.getContainerProperties().getTopics();
		return (topics != null) ? List.of(topics) : List.of();
	}

	private static String describe(Throwable ex) {
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		String message = cause.getMessage();
		return cause.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private synchronized Admin admin() {
		if (this.admin == null) {
			this.admin = Admin.create(this.adminSettings);
		}
		return this.admin;
	}

	@Override
	public synchronized void destroy() {
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(1));
			this.admin = null;
		}
	}

}
