package io.github.outbox.docs;

import java.util.List;
import java.util.UUID;

public record OrderView(UUID orderId, String status) {

	static OrderView from(OrderPlaced placed) {
		return new OrderView(placed.orderId(), "PLACED");
	}

	interface OrderViews {

		void save(OrderView view);

		void saveAll(List<OrderView> views);

	}

}
