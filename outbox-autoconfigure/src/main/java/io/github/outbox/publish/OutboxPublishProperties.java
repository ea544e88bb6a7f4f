package io.github.outbox.publish;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of publishing ({@code outbox.publish.*}).
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
@ConfigurationProperties("outbox.publish")
public class OutboxPublishProperties {

	/**
	 * Largest event accepted, counting its JSON payload and headers. Keep it below the Kafka
	 * producer's max.request.size and the topic's max.message.bytes, which are 1MB by default,
	 * so that every event written can also be delivered.
	 */
	private DataSize maxPayloadSize = DataSize.ofKilobytes(512);

	public DataSize getMaxPayloadSize() {
		return this.maxPayloadSize;
	}

	public void setMaxPayloadSize(DataSize maxPayloadSize) {
		this.maxPayloadSize = maxPayloadSize;
	}

}
