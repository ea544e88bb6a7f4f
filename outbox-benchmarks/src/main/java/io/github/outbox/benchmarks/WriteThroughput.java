package io.github.outbox.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Commits per second of a transaction run back to back by a number of threads, counted after a
 * warm-up.
 */
final class WriteThroughput {

	private final Duration warmUp;

	private final Duration duration;

	WriteThroughput(Duration warmUp, Duration duration) {
		this.warmUp = warmUp;
		this.duration = duration;
	}

	double measure(int threads, Runnable transaction) throws InterruptedException {
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicBoolean counting = new AtomicBoolean(false);
		AtomicReference<RuntimeException> failure = new AtomicReference<>();
		LongAdder commits = new LongAdder();
		CountDownLatch done = new CountDownLatch(threads);
		for (int i = 0; i < threads; i++) {
			Thread writer = new Thread(() -> {
				try {
					while (running.get()) {
						transaction.run();
						if (counting.get()) {
							commits.increment();
						}
					}
				}
				catch (RuntimeException ex) {
					failure.compareAndSet(null, ex);
				}
				finally {
					done.countDown();
				}
			}, "writer-" + i);
			writer.start();
		}
		Thread.sleep(this.warmUp.toMillis());
		counting.set(true);
		long start = System.nanoTime();
		Thread.sleep(this.duration.toMillis());
		counting.set(false);
		long elapsed = System.nanoTime() - start;
		running.set(false);
		done.await();
		if (failure.get() != null) {
			throw failure.get();
		}
		return commits.sum() / (elapsed / 1e9);
	}

}
