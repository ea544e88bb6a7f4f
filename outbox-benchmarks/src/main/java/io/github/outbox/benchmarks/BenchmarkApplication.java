package io.github.outbox.benchmarks;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service under measurement: JDBC, Flyway, the outbox starter and Actuator's meter
 * registry, configured per scenario by {@link Services}.
 */
@SpringBootApplication
public class BenchmarkApplication {

}
