package io.github.outbox.relay;

import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RelayKafkaVersion}.
 */
class RelayKafkaVersionTests {

	@Test
	void buildRecordsTheKafkaVersionItTestsWith() {
		assertThat(RelayKafkaVersion.tested()).isEqualTo(AppInfoParser.getVersion());
		assertThat(RelayKafkaVersion.warning(RelayKafkaVersion.tested(), AppInfoParser.getVersion())).isNull();
	}

	@Test
	void anotherMinorVersionIsWarnedAboutWithHowToAlignIt() {
		assertThat(RelayKafkaVersion.warning("4.3.0", "4.3.1")).isNull();
		assertThat(RelayKafkaVersion.warning("4.3.0", "4.2.2")).contains("tested with Kafka 4.3.0",
				"class path has Kafka 4.2.2", "<kafka.version>4.3.0</kafka.version>",
				"io.github.outbox:outbox-dependencies");
	}

}
