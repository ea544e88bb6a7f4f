package com.example.orders;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * Fails to start, by design: see verify.groovy.
 */
@SpringBootTest(properties = "outbox.dev-services.enabled=true")
class OrdersApplicationTests {

	@Test
	void contextLoads() {
	}

}
