package io.github.outbox.soak;

import java.time.Duration;

/**
 * A fault of the soak's schedule.
 *
 * @param kind what is done
 * @param service the service whose relaying instance it targets, for the faults on one
 * @param duration how long the fault lasts (an instance killed stays down that long)
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
record Fault(Kind kind, String service, Duration duration) {

	static Fault of(Kind kind, Duration duration) {
		return new Fault(kind, null, duration);
	}

	static Fault on(Kind kind, String service, Duration duration) {
		return new Fault(kind, service, duration);
	}

	String label() {
		return this.kind.label + ((this.service != null) ? " (" + this.service + ")" : "")
				+ (this.duration.isZero() ? "" : ", " + this.duration.toSeconds() + " s");
	}

	enum Kind {

		KILL_LEADER("kill -9 of the relaying instance"),

		FREEZE_LEADER("SIGSTOP of the relaying instance"),

		GRACEFUL_RESTART("graceful restart of the relaying instance"),

		POSTGRES_FAST_RESTART("PostgreSQL fast restart"),

		POSTGRES_IMMEDIATE_RESTART("PostgreSQL immediate restart (crash recovery)"),

		KAFKA_STOP("Kafka stopped and started again"),

		KAFKA_CUT("connection to Kafka cut"),

		CONSUMER_RESTART("independent consumer stopped and restarted");

		final String label;

		Kind(String label) {
			this.label = label;
		}

	}

	/**
	 * A fault as it happened.
	 *
	 * @param fault the fault
	 * @param target the instance or server it hit
	 * @param startedAt when it was injected
	 * @param endedAt when it was lifted (the instance started again, Kafka back, ...)
	 */
	record Injected(Fault fault, String target, long startedAt, long endedAt) {
	}

}
