package io.github.outbox.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimeOrderedUuidsTests {

	private static final long NOW = 1_795_000_000_000L;

	@Test
	void idsAreVersion7WithTheRfcVariantAndCarryTheTimeInMilliseconds() {
		UUID id = new TimeOrderedUuids(() -> NOW).next();
		assertThat(id.version()).isEqualTo(7);
		assertThat(id.variant()).isEqualTo(2);
		assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(NOW);
	}

	@Test
	void idsIncreaseWithinOneMillisecond() {
		TimeOrderedUuids ids = new TimeOrderedUuids(() -> NOW);
		assertStrictlyIncreasing(generate(ids, 10_000));
	}

	@Test
	void idsKeepIncreasingWhenTheClockStepsBack() {
		AtomicLong clock = new AtomicLong(NOW);
		TimeOrderedUuids ids = new TimeOrderedUuids(clock::get);
		List<UUID> generated = new ArrayList<>(generate(ids, 5));
		clock.set(NOW - 60_000);
		generated.addAll(generate(ids, 5));
		assertStrictlyIncreasing(generated);
	}

	@Test
	void idsFollowTheClockWhenItMovesOn() {
		AtomicLong clock = new AtomicLong(NOW);
		TimeOrderedUuids ids = new TimeOrderedUuids(clock::get);
		ids.next();
		clock.set(NOW + 5);
		assertThat(ids.next().getMostSignificantBits() >>> 16).isEqualTo(NOW + 5);
	}

	private static List<UUID> generate(TimeOrderedUuids ids, int count) {
		List<UUID> generated = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			generated.add(ids.next());
		}
		return generated;
	}

	private static void assertStrictlyIncreasing(List<UUID> ids) {
		for (int i = 1; i < ids.size(); i++) {
			// PostgreSQL orders uuids bytewise, as unsigned numbers.
			assertThat(Long.compareUnsigned(ids.get(i).getMostSignificantBits(),
					ids.get(i - 1).getMostSignificantBits()))
				.as("id %d after id %d", i, i - 1)
				.isPositive();
		}
	}

}
