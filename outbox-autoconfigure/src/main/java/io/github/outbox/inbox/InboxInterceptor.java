package io.github.outbox.inbox;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.outbox.Inbox;
import io.github.outbox.ReceivedEvent;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs an {@link Inbox @Inbox} listener method in a database transaction that first records
 * the ids of the events it receives: events already recorded for the consumer are left out
 * (the method is not called for a lone duplicate), the others are processed and recorded in
 * one commit.
 */
final class InboxInterceptor implements MethodInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(InboxInterceptor.class);

	private final Supplier<InboxStore> store;

	private final Supplier<TransactionTemplate> transaction;

	private final Supplier<InboxMetrics> metrics;

	private final Map<Method, Target> targets = new ConcurrentHashMap<>();

	InboxInterceptor(Supplier<InboxStore> store, Supplier<TransactionTemplate> transaction,
			Supplier<InboxMetrics> metrics) {
		this.store = store;
		this.transaction = transaction;
		this.metrics = metrics;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Target target = this.targets.computeIfAbsent(invocation.getMethod(), Target::of);
		Object[] arguments = invocation.getArguments();
		Object received = arguments[target.argument()];
		try {
			return this.transaction.get().execute((status) -> {
				if (received instanceof List<?> events) {
					List<Object> fresh = recordMany(target.consumer(), events);
					if (fresh.isEmpty()) {
						return null;
					}
					arguments[target.argument()] = fresh;
				}
				else if (!recordOne(target.consumer(), received)) {
					return null;
				}
				try {
					return invocation.proceed();
				}
				catch (RuntimeException | Error ex) {
					throw ex;
				}
				catch (Throwable ex) {
					// A checked exception rolls the transaction back too.
					throw new CheckedFailure(ex);
				}
			});
		}
		catch (CheckedFailure ex) {
			throw ex.getCause();
		}
	}

	private boolean recordOne(String consumer, Object received) {
		String id = eventId(received);
		if (this.store.get().record(consumer, id)) {
			this.metrics.get().processed(consumer, 1);
			return true;
		}
		this.metrics.get().duplicates(consumer, 1);
		logger.debug("Skipped event {} for {}: processed before", id, consumer);
		return false;
	}

	private List<Object> recordMany(String consumer, List<?> received) {
		List<String> ids = received.stream().map(InboxInterceptor::eventId).toList();
		Set<String> recorded = this.store.get().record(consumer, ids);
		Set<String> taken = new HashSet<>();
		List<Object> fresh = new ArrayList<>(recorded.size());
		for (int i = 0; i < ids.size(); i++) {
			// Keep the first delivery of each new id; a later copy in the same batch is a duplicate.
			if (recorded.contains(ids.get(i)) && taken.add(ids.get(i))) {
				fresh.add(received.get(i));
			}
		}
		int duplicates = received.size() - fresh.size();
		this.metrics.get().processed(consumer, fresh.size());
		if (duplicates > 0) {
			this.metrics.get().duplicates(consumer, duplicates);
			logger.debug("Skipped {} event(s) for {}: processed before", duplicates, consumer);
		}
		return fresh;
	}

	private static String eventId(Object received) {
		if (received instanceof ReceivedEvent<?> event) {
			return event.id();
		}
		if (received instanceof ConsumerRecord<?, ?> record) {
			Header header = record.headers().lastHeader(ReceivedEventArgumentResolver.EVENT_ID);
			if (header == null || header.value() == null || header.value().length == 0) {
				throw new InvalidOutboxRecordException("The record at topic " + record.topic() + ", partition "
						+ record.partition() + ", offset " + record.offset() + " has no eventId header, so it is not an "
						+ "outbox event or was not relayed with the outbox connector configuration.", null);
			}
			return new String(header.value(), StandardCharsets.UTF_8);
		}
		throw new IllegalStateException("@Inbox cannot find the event id in " + received);
	}

	/**
	 * Where an {@code @Inbox} method takes its events, and under which consumer name it
	 * records them.
	 */
	private record Target(String consumer, int argument) {

		static Target of(Method method) {
			Inbox inbox = AnnotatedElementUtils.findMergedAnnotation(method, Inbox.class);
			String consumer = (inbox != null) ? inbox.value() : "";
			if (consumer.isEmpty()) {
				KafkaListener listener = AnnotatedElementUtils.findMergedAnnotation(method, KafkaListener.class);
				consumer = (listener != null && !listener.id().isEmpty()) ? listener.id()
						: method.getDeclaringClass().getSimpleName() + "." + method.getName();
			}
			Class<?>[] types = method.getParameterTypes();
			for (int i = 0; i < types.length; i++) {
				if (types[i] == ReceivedEvent.class || types[i] == ConsumerRecord.class || List.class.isAssignableFrom(types[i])) {
					return new Target(consumer, i);
				}
			}
			throw new IllegalStateException("@Inbox method " + method + " must take the event as a ReceivedEvent, a "
					+ "ConsumerRecord, or a List of either.");
		}

	}

	/**
	 * Carries a checked exception out of the transaction callback; unwrapped by the caller.
	 */
	private static final class CheckedFailure extends RuntimeException {

		CheckedFailure(Throwable cause) {
			super(cause);
		}

	}

}
