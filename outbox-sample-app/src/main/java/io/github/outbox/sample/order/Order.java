package io.github.outbox.sample.order;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.springframework.data.domain.AbstractAggregateRoot;

/**
 * An order. It registers its domain events; Spring Data publishes them when the order is
 * saved, and the outbox writes them in the same transaction.
 */
@Entity
@Table(name = "orders")
public class Order extends AbstractAggregateRoot<Order> {

	@Id
	private UUID id;

	private String customer;

	private BigDecimal total;

	private String status;

	protected Order() {
	}

	public static Order place(String customer, BigDecimal total) {
		Order order = new Order();
		order.id = UUID.randomUUID();
		order.customer = customer;
		order.total = total;
		order.status = "PLACED";
		order.registerEvent(new OrderEvent.OrderPlaced(order.id, customer, total));
		return order;
	}

	public void cancel(String reason) {
		this.status = "CANCELLED";
		registerEvent(new OrderEvent.OrderCancelled(this.id, reason));
	}

	public UUID getId() {
		return this.id;
	}

	public String getStatus() {
		return this.status;
	}

}
