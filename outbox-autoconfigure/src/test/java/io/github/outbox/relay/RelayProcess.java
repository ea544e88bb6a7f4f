package io.github.outbox.relay;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A service that only relays, run in a child JVM by {@link RelayProcessCrashIntegrationTests}
 * so that the test can kill it outright. Configured by command-line arguments.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
public class RelayProcess {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(RelayProcess.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args);
	}

}
