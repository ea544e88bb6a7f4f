package io.github.outbox.devservices;

/**
 * The class path's Kafka is not the one the embedded broker is built with.
 */
class KafkaVersionMismatchException extends IllegalStateException {

	private final String advice;

	KafkaVersionMismatchException(String message, String advice) {
		super(message);
		this.advice = advice;
	}

	String getAdvice() {
		return this.advice;
	}

}
