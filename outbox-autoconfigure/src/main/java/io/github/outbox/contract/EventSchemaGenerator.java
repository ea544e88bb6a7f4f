package io.github.outbox.contract;

import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.classmate.ResolvedType;
import com.github.victools.jsonschema.generator.MemberScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerationContext;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jackson.JacksonSchemaModule;
import io.github.outbox.support.OutboxEventType;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategy;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Nullness;

/**
 * Derives an event class's JSON Schema (draft 2020-12) as the application's Jackson mapper
 * writes the class, with victools' generator and its Jackson module ({@code @JsonProperty},
 * {@code @JsonIgnore}, {@code @JsonNaming}, {@code @JsonSubTypes}, {@code @JsonValue} enums),
 * plus what that module leaves to the mapper:
 * <ul>
 * <li>the mapper's property naming strategy;</li>
 * <li>which properties are always written ({@code required}): all of them, unless a
 * {@code @JsonInclude} on the property or its class, or the mapper's default inclusion, lets
 * Jackson leave one out;</li>
 * <li>which may be {@code null}: primitives never, others as their JSpecify annotations say
 * (through Spring's {@link Nullness}), and nullable when nothing says;</li>
 * <li>a property whose type is a sealed class or interface: one of its permitted classes.</li>
 * </ul>
 * Every schema is inlined, without {@code $defs}, so that two versions compare property by
 * property; an event class that refers to itself has no schema (the registration leaves it out
 * with a warning).
 */
final class EventSchemaGenerator {

	private final SchemaGenerator generator;

	EventSchemaGenerator(JsonMapper mapper) {
		SerializationConfig config = mapper.serializationConfig();
		SchemaGeneratorConfigBuilder builder = new SchemaGeneratorConfigBuilder(mapper, SchemaVersion.DRAFT_2020_12,
				OptionPreset.PLAIN_JSON)
			.with(new JacksonSchemaModule(JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE,
					JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY))
			.with(Option.INLINE_ALL_SCHEMAS, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES,
					Option.NULLABLE_ARRAY_ITEMS_ALLOWED);
		builder.forFields()
			.withPropertyNameOverrideResolver((field) -> namedByStrategy(config, field))
			.withRequiredCheck((field) -> alwaysWritten(config, field))
			.withNullableCheck((field) -> mayBeNull(field));
		builder.forMethods()
			.withRequiredCheck((method) -> alwaysWritten(config, method))
			.withNullableCheck((method) -> mayBeNull(method));
		builder.forTypesInGeneral().withSubtypeResolver(EventSchemaGenerator::permittedSubclasses);
		this.generator = new SchemaGenerator(builder.build());
	}

	/**
	 * Derives the schema of an event class.
	 * @param eventClass an {@code @OutboxEvent} class
	 * @return its schema, canonical
	 * @throws IllegalArgumentException if the class is not an outbox event, or its schema cannot
	 * be derived
	 */
	EventSchema generate(Class<?> eventClass) {
		OutboxEventType type = OutboxEventType.of(eventClass);
		if (type == null) {
			throw new IllegalArgumentException(eventClass.getName() + " is not annotated with @OutboxEvent");
		}
		JsonNode schema;
		try {
			schema = this.generator.generateSchema(eventClass);
		}
		catch (RuntimeException ex) {
			String message = String.valueOf(ex.getMessage());
			throw new IllegalArgumentException("The JSON Schema of " + eventClass.getName() + " cannot be derived ("
					+ message + ")" + (message.contains("circular reference")
							? ". An event class that refers to itself, directly or through its properties, has no "
									+ "schema that two versions can be compared by."
							: "."),
					ex);
		}
		return EventSchema.of(type.aggregateType(), type.eventType(), eventClass.getName(), schema);
	}

	// The mapper's strategy renames what neither @JsonProperty nor @JsonNaming named, as
	// Jackson does; the module's resolvers for those two come first.
	private static @Nullable String namedByStrategy(SerializationConfig config, MemberScope<?, ?> member) {
		PropertyNamingStrategy strategy = config.getPropertyNamingStrategy();
		if (strategy == null) {
			return null;
		}
		String renamed = strategy.nameForField(config, null, member.getDeclaredName());
		return renamed.equals(member.getDeclaredName()) ? null : renamed;
	}

	private static boolean alwaysWritten(SerializationConfig config, MemberScope<?, ?> member) {
		JsonInclude.Include inclusion = inclusion(config, member);
		return switch (inclusion) {
			case ALWAYS, USE_DEFAULTS -> true;
			// Jackson leaves out null (and, for NON_ABSENT, empty Optional) values.
			case NON_NULL, NON_ABSENT -> !Boolean.TRUE.equals(mayBeNull(member))
					&& !member.getDeclaredType().isInstanceOf(java.util.Optional.class);
			default -> false;
		};
	}

	private static JsonInclude.Include inclusion(SerializationConfig config, MemberScope<?, ?> member) {
		JsonInclude onMember = member.getAnnotationConsideringFieldAndGetterIfSupported(JsonInclude.class);
		if (onMember != null && onMember.value() != JsonInclude.Include.USE_DEFAULTS) {
			return onMember.value();
		}
		JsonInclude onClass = member.getDeclaringType().getErasedType().getAnnotation(JsonInclude.class);
		if (onClass != null && onClass.value() != JsonInclude.Include.USE_DEFAULTS) {
			return onClass.value();
		}
		JsonInclude.Value byDefault = config.getDefaultPropertyInclusion(member.getDeclaredType().getErasedType());
		return (byDefault != null) ? byDefault.getValueInclusion() : JsonInclude.Include.ALWAYS;
	}

	private static @Nullable Boolean mayBeNull(MemberScope<?, ?> member) {
		if (member.isFakeContainerItemScope()) {
			// A collection's items: nullable only when annotated so (List<@Nullable String>).
			return member.getContainerItemAnnotation(org.jspecify.annotations.Nullable.class) != null;
		}
		if (member.getDeclaredType().isPrimitive()) {
			return false;
		}
		Member raw = member.getRawMember();
		Nullness nullness = Nullness.UNSPECIFIED;
		if (raw instanceof Field field) {
			nullness = Nullness.forField(field);
		}
		else if (raw instanceof Method method) {
			nullness = Nullness.forMethodReturnType(method);
		}
		return nullness != Nullness.NON_NULL;
	}

	private static @Nullable List<ResolvedType> permittedSubclasses(ResolvedType declared,
			SchemaGenerationContext context) {
		Class<?> type = declared.getErasedType();
		if (!type.isSealed()) {
			return null;
		}
		List<ResolvedType> subtypes = new ArrayList<>();
		for (Class<?> permitted : type.getPermittedSubclasses()) {
			if (permitted.isSealed() && permitted.isInterface()) {
				List<ResolvedType> nested = permittedSubclasses(context.getTypeContext().resolve(permitted), context);
				if (nested != null) {
					subtypes.addAll(nested);
				}
			}
			else {
				subtypes.add(context.getTypeContext().resolveSubtype(declared, permitted));
			}
		}
		return subtypes;
	}

}
