package io.github.outbox.benchmarks;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service under measurement: JDBC and JPA, Flyway, the outbox starter, Actuator's meter
 * registry and, for the peer, Spring Modulith's event publication registry; configured per
 * scenario by {@link Services}.
 */
@SpringBootApplication
public class BenchmarkApplication {

}
