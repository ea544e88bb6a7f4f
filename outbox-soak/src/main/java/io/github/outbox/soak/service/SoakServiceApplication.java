package io.github.outbox.soak.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service the soak runs in several child JVMs: a business table written together with
 * an outbox event per step of an order's life, the embedded relay, and an {@code @Inbox}
 * consumer that counts how often each event is applied. Configured entirely from the command
 * line by the soak ({@code soak.service}, the database, the broker, the slot).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@SpringBootApplication
public class SoakServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(SoakServiceApplication.class, args);
	}

}
