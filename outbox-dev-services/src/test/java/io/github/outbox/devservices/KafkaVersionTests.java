package io.github.outbox.devservices;

import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link KafkaVersion}.
 */
class KafkaVersionTests {

	@Test
	void buildRecordsTheKafkaVersionOnTheClassPath() {
		assertThat(KafkaVersion.builtFor()).isEqualTo(AppInfoParser.getVersion());
		assertThatNoException().isThrownBy(KafkaVersion::requireTheOneDevServicesIsBuiltFor);
	}

	@Test
	void mismatchSaysWhichVersionsAndHowToAlignThem() {
		assertThat(KafkaVersion.message("4.3.0", "4.2.2")).contains("needs Kafka 4.3.x", "class path has Kafka 4.2.2",
				"<kafka.version>4.3.0</kafka.version>", "io.github.outbox:outbox-dependencies");
	}

}
