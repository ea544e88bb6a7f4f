package io.github.outbox.sample.order;

import java.math.BigDecimal;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places and cancels orders. Each method is one transaction: the order and its event commit
 * together, or neither does.
 */
@Service
public class OrderService {

	private final OrderRepository orders;

	OrderService(OrderRepository orders) {
		this.orders = orders;
	}

	@Transactional
	public Order place(String customer, BigDecimal total, @Nullable String coupon) {
		return this.orders.save(Order.place(customer, total, coupon));
	}

	@Transactional
	public Order cancel(UUID id, @Nullable String reason) {
		Order order = get(id);
		order.cancel(reason);
		return this.orders.save(order);
	}

	@Transactional(readOnly = true)
	public Order get(UUID id) {
		return this.orders.findById(id).orElseThrow(() -> new OrderNotFoundException(id));
	}

}
