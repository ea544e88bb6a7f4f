package io.github.outbox.support;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTests {

	@Test
	void objectOfStringsIsValidJsonThatReadsBackTheSame() {
		Map<String, String> members = new LinkedHashMap<>();
		members.put("plain", "value");
		members.put("quote\"and\\backslash", "line\nbreak\ttab\r\u0001control");
		members.put("unicode", "é 漢字 😀");
		String json = JsonText.object(members);
		assertThat(new JsonMapper().readValue(json, Map.class)).isEqualTo(members);
	}

	@Test
	void emptyObject() {
		assertThat(JsonText.object(Map.of())).isEqualTo("{}");
	}

	@Test
	void utf8LengthCountsEncodedBytes() {
		for (String text : new String[] { "", "ascii", "é", "漢字", "😀", "a😀é漢" }) {
			assertThat(JsonText.utf8Length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
		}
	}

}
