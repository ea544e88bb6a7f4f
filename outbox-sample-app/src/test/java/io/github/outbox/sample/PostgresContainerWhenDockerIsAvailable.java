package io.github.outbox.sample;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The tests' PostgreSQL: a Testcontainers container when Docker is available, offered to the
 * application with {@code @ServiceConnection} as usual; otherwise nothing here, and the
 * application's embedded dev-services PostgreSQL is used. Both run with logical replication.
 */
@TestConfiguration(proxyBeanMethods = false)
class PostgresContainerWhenDockerIsAvailable {

	@Bean
	@ServiceConnection
	@Conditional(DockerAvailable.class)
	PostgreSQLContainer postgresContainer() {
		return new PostgreSQLContainer("postgres:18-alpine").withCommand("postgres", "-c", "wal_level=logical");
	}

	static final class DockerAvailable implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return isDockerAvailable();
		}

	}

	static boolean isDockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

}
