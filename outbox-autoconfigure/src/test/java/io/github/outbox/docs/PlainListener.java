package io.github.outbox.docs;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;

/**
 * docs/kafka-records.md: a consumer that reads the record as it is, without the starter.
 */
class PlainListener {

	@KafkaListener(topics = "outbox.event.order")
	void on(@Payload String json, @Header("eventId") String eventId, @Header("eventType") String type,
			@Header(KafkaHeaders.RECEIVED_KEY) String orderId) {
		System.out.println(orderId + " " + type + " " + eventId + " " + json);
	}

}
