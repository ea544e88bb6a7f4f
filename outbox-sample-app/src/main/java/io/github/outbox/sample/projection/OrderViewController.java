package io.github.outbox.sample.projection;

import java.util.List;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reads the projection: what the consumer has made of the events so far.
 */
@RestController
@RequestMapping("/order-views")
class OrderViewController {

	private final OrderViewRepository views;

	OrderViewController(OrderViewRepository views) {
		this.views = views;
	}

	@GetMapping
	List<OrderView> latest() {
		return this.views.findTop50ByOrderByPlacedAtDesc();
	}

	@GetMapping("/{orderId}")
	ResponseEntity<OrderView> get(@PathVariable UUID orderId) {
		return ResponseEntity.of(this.views.findById(orderId));
	}

}
