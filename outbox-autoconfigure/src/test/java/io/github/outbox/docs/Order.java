package io.github.outbox.docs;

import java.math.BigDecimal;
import java.util.UUID;

import org.springframework.data.domain.AbstractAggregateRoot;

/**
 * An aggregate that registers its own events (Spring Data's {@link AbstractAggregateRoot}).
 */
public class Order extends AbstractAggregateRoot<Order> {

	private final UUID id = UUID.randomUUID();

	private final String customer;

	private final BigDecimal total;

	private Order(String customer, BigDecimal total) {
		this.customer = customer;
		this.total = total;
	}

	public static Order place(String customer, BigDecimal total) {
		Order order = new Order(customer, total);
		order.registerEvent(new OrderPlaced(order.id, customer, total));
		return order;
	}

	public static Order from(PlaceOrder command) {
		return new Order(command.customer(), command.total());
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

	public record PlaceOrder(String customer, BigDecimal total) {
	}

	public interface Orders {

		Order save(Order order);

	}

}
