package io.github.outbox.publish.jpa;

import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.springframework.data.domain.AbstractAggregateRoot;

/**
 * An aggregate that registers its domain events, which Spring Data publishes on save.
 */
@Entity
@Table(name = "orders")
public class Order extends AbstractAggregateRoot<Order> {

	@Id
	private UUID id;

	private String customer;

	private String status;

	protected Order() {
	}

	private Order(UUID id, String customer) {
		this.id = id;
		this.customer = customer;
		this.status = "PLACED";
		registerEvent(new OrderEvents.OrderPlaced(id, customer));
	}

	public static Order place(UUID id, String customer) {
		return new Order(id, customer);
	}

	public Order cancel(String reason) {
		this.status = "CANCELLED";
		registerEvent(new OrderEvents.OrderCancelled(this.id, reason));
		return this;
	}

	public UUID getId() {
		return this.id;
	}

	public String getStatus() {
		return this.status;
	}

}
