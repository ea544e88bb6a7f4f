package io.github.outbox.relay;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Makes {@link ReplicationSlot} a database initializer, so that beans which depend on
 * database initialization, the outbox publisher among them, are created after the slot.
 */
class ReplicationSlotDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(ReplicationSlot.class);
	}

	@Override
	public int getOrder() {
		return 110;
	}

}
