package io.github.outbox.sample.order;

import java.math.BigDecimal;
import java.net.URI;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The order API: place an order, cancel it, read it.
 */
@RestController
@RequestMapping("/orders")
class OrderController {

	private final OrderService orders;

	OrderController(OrderService orders) {
		this.orders = orders;
	}

	@PostMapping
	ResponseEntity<OrderResponse> place(@RequestBody PlaceOrder request) {
		Order order = this.orders.place(request.customer(), request.total(), request.coupon());
		return ResponseEntity.created(URI.create("/orders/" + order.getId())).body(OrderResponse.of(order));
	}

	@PostMapping("/{id}/cancel")
	OrderResponse cancel(@PathVariable UUID id, @RequestBody(required = false) @Nullable CancelOrder request) {
		return OrderResponse.of(this.orders.cancel(id, (request != null) ? request.reason() : null));
	}

	@GetMapping("/{id}")
	OrderResponse get(@PathVariable UUID id) {
		return OrderResponse.of(this.orders.get(id));
	}

	@ExceptionHandler
	ProblemDetail notFound(OrderNotFoundException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail invalid(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail conflict(IllegalStateException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

	record PlaceOrder(String customer, BigDecimal total, @Nullable String coupon) {
	}

	record CancelOrder(@Nullable String reason) {
	}

	record OrderResponse(UUID id, String customer, BigDecimal total, String status, @Nullable String cancelReason) {

		static OrderResponse of(Order order) {
			return new OrderResponse(order.getId(), order.getCustomer(), order.getTotal(), order.getStatus(),
					order.getCancelReason());
		}

	}

}
