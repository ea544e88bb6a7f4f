package io.github.outbox.cleanup;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Makes {@link PartitionedOutboxTable} a database initializer, after the migrations that
 * create the table and before the publisher.
 */
class PartitionedOutboxTableDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(PartitionedOutboxTable.class);
	}

	@Override
	public int getOrder() {
		return 105;
	}

}
