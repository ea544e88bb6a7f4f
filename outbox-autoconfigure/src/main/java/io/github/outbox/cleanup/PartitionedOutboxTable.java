package io.github.outbox.cleanup;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;

/**
 * Makes the outbox table partitioned, with partitions for the current and coming ranges,
 * before the application can publish. A database initializer (see
 * {@link PartitionedOutboxTableDetector}): it runs after the migrations and before the
 * publisher is created.
 */
final class PartitionedOutboxTable implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(PartitionedOutboxTable.class);

	private final OutboxPartitions partitions;

	private final int ahead;

	private final Clock clock;

	PartitionedOutboxTable(OutboxPartitions partitions, int ahead, Clock clock) {
		this.partitions = partitions;
		this.ahead = ahead;
		this.clock = clock;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.partitions.partition()) {
			logger.info("Outbox table partitioned by created_at; rows written before stay in {} until they expire",
					this.partitions.unpartitionedName());
		}
		this.partitions.createAhead(this.clock.instant(), this.ahead);
	}

}
