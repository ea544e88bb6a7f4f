package io.github.outbox.console;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OutboxConsoleAutoConfiguration}.
 */
class OutboxConsoleAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OutboxConsoleAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=outboxconsole");

	@Test
	void isOffByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(OutboxConsoleEndpoint.class));
	}

	@Test
	void offersTheEndpointWhenEnabledAndExposed() {
		this.contextRunner.withPropertyValues("outbox.console.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(OutboxConsoleEndpoint.class)
				.getBean(OutboxConsoleEndpoint.class)
				.satisfies((endpoint) -> assertThat(endpoint.page()).contains("id=\"stage-kafka\"")
					.contains("var REFRESH = 1000;")
					.doesNotContain("{{")));
	}

	@Test
	void relayRecordsTheLagPercentilesOnlyWithTheConsole() {
		Meter.Id lag = Timer.builder("outbox.relay.delivery.lag").register(new SimpleMeterRegistry()).getId();
		this.contextRunner.withPropertyValues("outbox.console.enabled=true")
			.run((context) -> assertThat(context.getBean(MeterFilter.class)
				.configure(lag, DistributionStatisticConfig.DEFAULT)
				.getPercentiles()).containsExactly(0.5, 0.99));
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(MeterFilter.class));
	}

	@Test
	void isLeftOutWhenEnabledButNotExposed() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OutboxConsoleAutoConfiguration.class))
			.withPropertyValues("outbox.console.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxConsoleEndpoint.class));
	}

	@Test
	void isLeftOutWithoutMicrometer() {
		this.contextRunner.withPropertyValues("outbox.console.enabled=true")
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxConsoleEndpoint.class));
	}

	@Test
	void pageAsksAsOftenAsConfigured() {
		this.contextRunner.withPropertyValues("outbox.console.enabled=true", "outbox.console.refresh=2500ms")
			.run((context) -> assertThat(context.getBean(OutboxConsoleEndpoint.class).page())
				.contains("var REFRESH = 2500;"));
	}

}
