package io.github.outbox.benchmarks;

import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.modulith.events.EventExternalizationConfiguration;
import org.springframework.modulith.events.RoutingTarget;

/**
 * The Spring peer, configured as its documentation shows: Spring Modulith's JPA event
 * publication registry keeps each {@link ModulithOrderPlaced} in the business transaction, and
 * its Kafka externalization sends it with the application's {@code KafkaTemplate} once the
 * transaction has committed. Active in the scenarios that set {@code benchmark.modulith.topic}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("benchmark.modulith.topic")
class ModulithPeer {

	static final String TOPIC_PROPERTY = "benchmark.modulith.topic";

	@Bean
	EventExternalizationConfiguration modulithExternalization(@Value("${" + TOPIC_PROPERTY + "}") String topic) {
		return EventExternalizationConfiguration.externalizing()
			.selectByType(ModulithOrderPlaced.class)
			.route(ModulithOrderPlaced.class, (event) -> RoutingTarget.forTarget(topic).andKey(event.orderId().toString()))
			.headers(ModulithOrderPlaced.class,
					(event) -> Map.of(EndToEndLatency.SEQUENCE_HEADER, Long.toString(event.sequence())))
			.build();
	}

}
