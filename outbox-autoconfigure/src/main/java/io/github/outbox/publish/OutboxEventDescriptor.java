package io.github.outbox.publish;

import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import io.github.outbox.OutboxEventException;
import io.github.outbox.OutboxMessage;
import io.github.outbox.support.OutboxEventType;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;
import org.springframework.util.ReflectionUtils;

/**
 * What {@link OutboxEvent @OutboxEvent} says about one event class: its aggregate type, its
 * event type and how to read its aggregate id. Worked out once per class; a class that cannot
 * be published keeps the reason, reported each time it is published.
 */
final class OutboxEventDescriptor {

	private static final ClassValue<OutboxEventDescriptor> descriptors = new ClassValue<>() {

		@Override
		protected OutboxEventDescriptor computeValue(Class<?> eventClass) {
			return describe(eventClass);
		}

	};

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	// Reads properties and calls methods on the event; no type references, no bean access.
	private static final EvaluationContext evaluationContext = SimpleEvaluationContext.forReadOnlyDataBinding()
		.withInstanceMethods()
		.build();

	private final Class<?> eventClass;

	private final String aggregateType;

	private final String type;

	private final @Nullable AggregateIdReader aggregateIdReader;

	private final @Nullable String problem;

	private final String advice;

	private OutboxEventDescriptor(Class<?> eventClass, String aggregateType, String type,
			AggregateIdReader aggregateIdReader) {
		this(eventClass, aggregateType, type, aggregateIdReader, null, "");
	}

	private OutboxEventDescriptor(Class<?> eventClass, String problem, String advice) {
		this(eventClass, "", "", null, problem, advice);
	}

	private OutboxEventDescriptor(Class<?> eventClass, String aggregateType, String type,
			@Nullable AggregateIdReader aggregateIdReader, @Nullable String problem, String advice) {
		this.eventClass = eventClass;
		this.aggregateType = aggregateType;
		this.type = type;
		this.aggregateIdReader = aggregateIdReader;
		this.problem = problem;
		this.advice = advice;
	}

	static OutboxEventDescriptor of(Class<?> eventClass) {
		return descriptors.get(eventClass);
	}

	static boolean isOutboxEvent(Class<?> type) {
		return MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).isPresent(OutboxEvent.class);
	}

	/**
	 * Describes an event for the outbox.
	 * @param event an instance of the described class
	 * @return the event with its routing information
	 * @throws OutboxEventException if the class cannot be published or the event has no
	 * aggregate id
	 */
	OutboxMessage toMessage(Object event) {
		if (this.problem != null || this.aggregateIdReader == null) {
			throw new OutboxEventException(this.eventClass, String.valueOf(this.problem), this.advice);
		}
		Object aggregateId = this.aggregateIdReader.read(event);
		String text = (aggregateId != null) ? aggregateId.toString() : null;
		if (text == null || text.isBlank()) {
			throw new OutboxEventException(this.eventClass,
					"its aggregate id (" + this.aggregateIdReader.description() + ") is "
							+ ((text == null) ? "null" : "blank"),
					"Set it before publishing: the aggregate id is the Kafka record key that keeps an aggregate's "
							+ "events in order.");
		}
		return new OutboxMessage(this.aggregateType, text, this.type, event, Map.of());
	}

	private static OutboxEventDescriptor describe(Class<?> eventClass) {
		OutboxEventType names = OutboxEventType.of(eventClass);
		if (names == null) {
			return new OutboxEventDescriptor(eventClass, "its class is not annotated with @OutboxEvent",
					"Annotate it with @OutboxEvent(aggregateType = \"...\"), or publish an OutboxMessage that names "
							+ "its aggregate type, aggregate id and event type.");
		}
		String aggregateType = names.aggregateType();
		if (aggregateType.isBlank()) {
			return new OutboxEventDescriptor(eventClass, "@OutboxEvent has a blank aggregateType",
					"Name the aggregate the event belongs to, for example @OutboxEvent(aggregateType = \"order\").");
		}
		String type = names.eventType();
		MergedAnnotation<OutboxEvent> annotation = MergedAnnotations.from(eventClass, SearchStrategy.TYPE_HIERARCHY)
			.get(OutboxEvent.class);
		String expression = annotation.getString("aggregateId");
		try {
			AggregateIdReader reader = (!expression.isBlank()) ? expressionReader(eventClass, expression)
					: memberReader(eventClass);
			return new OutboxEventDescriptor(eventClass, aggregateType, type, reader);
		}
		catch (UnreadableAggregateId ex) {
			return new OutboxEventDescriptor(eventClass, ex.getMessage(), ex.advice);
		}
	}

	private static AggregateIdReader expressionReader(Class<?> eventClass, String text) {
		Expression expression;
		try {
			expression = parser.parseExpression(text);
		}
		catch (ParseException ex) {
			throw new UnreadableAggregateId("its aggregateId expression '" + text + "' is not valid SpEL ("
					+ ex.getSimpleMessage() + ")", "Use a property name such as \"orderId\" or a SpEL expression.");
		}
		return new AggregateIdReader("aggregateId expression '" + text + "'", (event) -> {
			try {
				return expression.getValue(evaluationContext, event);
			}
			catch (EvaluationException ex) {
				throw new OutboxEventException(eventClass,
						"its aggregateId expression '" + text + "' failed (" + ex.getMessage() + ")",
						"Name a property or record component of the event, or fix the expression.", ex);
			}
		});
	}

	private static AggregateIdReader memberReader(Class<?> eventClass) {
		List<Member> members = new ArrayList<>();
		List<String> methodNames = new ArrayList<>();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(eventClass, ReflectionUtils.USER_DECLARED_METHODS)) {
			if (MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY).isPresent(AggregateId.class)) {
				members.add(method);
				methodNames.add(method.getName());
			}
		}
		ReflectionUtils.doWithFields(eventClass, (field) -> {
			// On a record component the annotation lands on both the accessor and the field.
			if (!methodNames.contains(field.getName())) {
				members.add(field);
			}
		}, (field) -> field.isAnnotationPresent(AggregateId.class));
		if (members.isEmpty()) {
			throw new UnreadableAggregateId("it names no aggregate id",
					"Annotate the member holding it with @AggregateId, or set @OutboxEvent(aggregateId = \"...\") "
							+ "to a property name or SpEL expression.");
		}
		if (members.size() > 1) {
			throw new UnreadableAggregateId("more than one member is annotated with @AggregateId ("
					+ members.stream().map(Member::getName).toList() + ")", "Keep @AggregateId on one member only.");
		}
		if (members.get(0) instanceof Method method) {
			if (method.getParameterCount() > 0) {
				throw new UnreadableAggregateId("its @AggregateId method " + method.getName() + " takes parameters",
						"Put @AggregateId on a method without parameters, a field or a record component.");
			}
			ReflectionUtils.makeAccessible(method);
			return new AggregateIdReader("@AggregateId " + method.getName() + "()",
					(event) -> ReflectionUtils.invokeMethod(method, event));
		}
		Field field = (Field) members.get(0);
		ReflectionUtils.makeAccessible(field);
		return new AggregateIdReader("@AggregateId " + field.getName(), (event) -> ReflectionUtils.getField(field, event));
	}

	private record AggregateIdReader(String description, Function<Object, @Nullable Object> reader) {

		@Nullable Object read(Object event) {
			return this.reader.apply(event);
		}

	}

	private static final class UnreadableAggregateId extends RuntimeException {

		private final String advice;

		UnreadableAggregateId(String problem, String advice) {
			super(problem);
			this.advice = advice;
		}

	}

}
