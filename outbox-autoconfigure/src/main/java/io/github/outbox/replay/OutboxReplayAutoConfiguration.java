package io.github.outbox.replay;

import javax.sql.DataSource;

import io.github.outbox.schema.OutboxSchemaAutoConfiguration;
import io.github.outbox.schema.OutboxTable;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Auto-configuration of {@link OutboxReplay}, whichever relay deployment reads the outbox, and
 * of its Actuator endpoint.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, OutboxSchemaAutoConfiguration.class })
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(OutboxTable.class)
@ConditionalOnBooleanProperty(name = "outbox.enabled", matchIfMissing = true)
public final class OutboxReplayAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OutboxReplay outboxReplay(DataSource dataSource, OutboxTable table) {
		return new OutboxReplay(new JdbcTemplate(dataSource), table);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint")
	@ConditionalOnAvailableEndpoint(OutboxReplayEndpoint.class)
	static class ReplayEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OutboxReplayEndpoint outboxReplayEndpoint(OutboxReplay replay) {
			return new OutboxReplayEndpoint(replay);
		}

	}

}
