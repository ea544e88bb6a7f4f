package io.github.outbox.sample.order;

import java.util.UUID;

/**
 * Thrown when no order has the id asked for.
 */
public class OrderNotFoundException extends RuntimeException {

	OrderNotFoundException(UUID id) {
		super("no order has id " + id);
	}

}
