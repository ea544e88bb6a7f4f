package io.github.outbox.sample.projection;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface OrderViewRepository extends JpaRepository<OrderView, UUID> {

	List<OrderView> findTop50ByOrderByPlacedAtDesc();

}
