package io.github.outbox.sample.order;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.AbstractAggregateRoot;

/**
 * An order. It registers its domain events; Spring Data publishes them when the order is
 * saved, and the outbox writes them in the same transaction as the order.
 */
@Entity
@Table(name = "orders")
public class Order extends AbstractAggregateRoot<Order> {

	@Id
	private UUID id;

	private String customer;

	private BigDecimal total;

	private String status;

	private @Nullable String cancelReason;

	@Version
	private long version;

	protected Order() {
	}

	/**
	 * Places a new order.
	 * @param customer who orders
	 * @param total what it costs
	 * @param coupon the coupon code the customer gave, if any
	 * @return the order, with {@link OrderEvent.OrderPlaced} registered
	 * @throws IllegalArgumentException if the customer is blank or the total not positive
	 */
	public static Order place(String customer, BigDecimal total, @Nullable String coupon) {
		if (customer == null || customer.isBlank() || customer.length() > 100) {
			throw new IllegalArgumentException("customer must be 1 to 100 characters");
		}
		if (total == null || total.signum() <= 0 || total.scale() > 2) {
			throw new IllegalArgumentException("total must be a positive amount with at most 2 decimals");
		}
		Order order = new Order();
		order.id = UUID.randomUUID();
		order.customer = customer;
		order.total = total;
		order.status = "PLACED";
		order.registerEvent(new OrderEvent.OrderPlaced(order.id, customer, total, coupon));
		return order;
	}

	/**
	 * Cancels the order.
	 * @param reason why, or {@code null}
	 * @throws IllegalArgumentException if the reason is longer than 200 characters
	 * @throws IllegalStateException if the order is already cancelled
	 */
	public void cancel(@Nullable String reason) {
		if (reason != null && reason.length() > 200) {
			throw new IllegalArgumentException("reason must be at most 200 characters");
		}
		if ("CANCELLED".equals(this.status)) {
			throw new IllegalStateException("order " + this.id + " is already cancelled");
		}
		this.status = "CANCELLED";
		this.cancelReason = reason;
		registerEvent(new OrderEvent.OrderCancelled(this.id, reason));
	}

	public UUID getId() {
		return this.id;
	}

	public String getCustomer() {
		return this.customer;
	}

	public BigDecimal getTotal() {
		return this.total;
	}

	public String getStatus() {
		return this.status;
	}

	public @Nullable String getCancelReason() {
		return this.cancelReason;
	}

}
