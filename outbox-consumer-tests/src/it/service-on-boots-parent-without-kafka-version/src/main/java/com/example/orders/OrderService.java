package com.example.orders;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.OutboxPublisher;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class OrderService {

	private final JdbcTemplate jdbc;

	private final OutboxPublisher outbox;

	public OrderService(JdbcTemplate jdbc, OutboxPublisher outbox) {
		this.jdbc = jdbc;
		this.outbox = outbox;
	}

	@Transactional
	public UUID place(String customer, BigDecimal total) {
		UUID id = UUID.randomUUID();
		this.jdbc.update("INSERT INTO orders (id, customer, total) VALUES (?, ?, ?)", id, customer, total);
		this.outbox.publish(new OrderPlaced(id, customer, total));
		return id;
	}

}
