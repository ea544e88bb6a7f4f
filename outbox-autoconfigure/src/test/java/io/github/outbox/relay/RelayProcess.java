package io.github.outbox.relay;

import io.github.outbox.testsupport.JdbcTestApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;

/**
 * A service that only relays, run in a child JVM by {@link RelayProcessCrashIntegrationTests}
 * so that the test can kill it outright. Configured by command-line arguments.
 */
@JdbcTestApplication
public class RelayProcess {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(RelayProcess.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args);
	}

}
