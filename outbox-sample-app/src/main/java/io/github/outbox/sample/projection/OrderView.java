package io.github.outbox.sample.projection;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * An order as the projection knows it, from the events it has applied.
 */
@Entity
@Table(name = "order_views")
public class OrderView {

	@Id
	private UUID orderId;

	private String customer;

	private BigDecimal total;

	private String status;

	private Instant placedAt;

	private @Nullable Instant cancelledAt;

	private @Nullable String cancelReason;

	// How many events this view was built from: an event applied twice would show here.
	private int eventsApplied;

	protected OrderView() {
	}

	static OrderView placed(UUID orderId, String customer, BigDecimal total, Instant placedAt) {
		OrderView view = new OrderView();
		view.orderId = orderId;
		view.customer = customer;
		view.total = total;
		view.status = "PLACED";
		view.placedAt = placedAt;
		view.eventsApplied = 1;
		return view;
	}

	void cancelled(@Nullable String reason, Instant cancelledAt) {
		this.status = "CANCELLED";
		this.cancelReason = reason;
		this.cancelledAt = cancelledAt;
		this.eventsApplied++;
	}

	public UUID getOrderId() {
		return this.orderId;
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

	public Instant getPlacedAt() {
		return this.placedAt;
	}

	public @Nullable Instant getCancelledAt() {
		return this.cancelledAt;
	}

	public @Nullable String getCancelReason() {
		return this.cancelReason;
	}

	public int getEventsApplied() {
		return this.eventsApplied;
	}

}
