package io.github.outbox.contract;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.github.outbox.OutboxEvent;
import io.github.outbox.support.OutboxEventType;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@code @OutboxEvent} classes of the application's packages (those of its
 * {@code @SpringBootApplication}, as Spring Data finds entities): concrete classes annotated,
 * or inheriting the annotation from a superclass or an interface.
 */
final class EventClasses {

	private EventClasses() {
	}

	static List<Class<?>> scan(Collection<String> packages, Environment environment, ResourceLoader resourceLoader) {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				environment) {

			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isIndependent() && definition.getMetadata().isConcrete();
			}

		};
		scanner.setResourceLoader(resourceLoader);
		scanner.addIncludeFilter(new AnnotationTypeFilter(OutboxEvent.class, true, true));
		Set<Class<?>> classes = new TreeSet<>(Comparator.comparing(Class::getName));
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				Class<?> type = ClassUtils.resolveClassName(String.valueOf(candidate.getBeanClassName()),
						resourceLoader.getClassLoader());
				if (OutboxEventType.of(type) != null) {
					classes.add(type);
				}
			}
		}
		return List.copyOf(classes);
	}

}
