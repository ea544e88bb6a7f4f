package io.github.outbox.publish;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Generates version 7 UUIDs (RFC 9562): 48 bits of Unix epoch milliseconds, then a 12-bit
 * counter, then 62 random bits. Ids from one generator are strictly increasing, even within a
 * millisecond or when the clock steps back, so that the primary-key index of the outbox
 * table is appended to rather than written all over.
 */
final class TimeOrderedUuids {

	private static final int COUNTER_BITS = 12;

	private final LongSupplier clock;

	// Milliseconds shifted left by COUNTER_BITS, plus the counter: one increasing number.
	private final AtomicLong lastTimestampAndCounter = new AtomicLong();

	TimeOrderedUuids() {
		this(System::currentTimeMillis);
	}

	TimeOrderedUuids(LongSupplier clock) {
		this.clock = clock;
	}

	UUID next() {
		long now = this.clock.getAsLong() << COUNTER_BITS;
		// A counter that overflows carries into the timestamp, which runs a little ahead.
		long timestampAndCounter = this.lastTimestampAndCounter.updateAndGet((last) -> Math.max(now, last + 1));
		long mostSignificantBits = ((timestampAndCounter >>> COUNTER_BITS) << 16) | (0x7L << 12)
				| (timestampAndCounter & 0xFFF);
		long leastSignificantBits = (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL)
				| 0x8000_0000_0000_0000L;
		return new UUID(mostSignificantBits, leastSignificantBits);
	}

}
