package io.github.outbox.relay;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Makes {@link RelayPreparation} and {@link SlotRequiredForDeleteAfterInsert} database
 * initializers, so that beans which depend on database initialization, the outbox publisher
 * among them, are created once the relay's slot exists.
 */
class RelayPreparationDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(RelayPreparation.class, SlotRequiredForDeleteAfterInsert.class);
	}

	@Override
	public int getOrder() {
		return 110;
	}

}
