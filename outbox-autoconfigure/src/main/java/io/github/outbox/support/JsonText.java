package io.github.outbox.support;

import java.util.Map;

/**
 * The little JSON the starter produces itself (a flat object of string headers, a replay
 * signal), and the size of JSON text once encoded as UTF-8. Headers are not given to the
 * payload serializer, which an application may have replaced with one that shapes payloads its
 * own way. Internal.
 */
public final class JsonText {

	private JsonText() {
	}

	public static String object(Map<String, String> members) {
		StringBuilder json = new StringBuilder(32 * members.size() + 2).append('{');
		members.forEach((name, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			appendString(json, name);
			json.append(':');
			appendString(json, value);
		});
		return json.append('}').toString();
	}

	/**
	 * Returns a string as a JSON string literal.
	 * @param value the string
	 * @return the literal, quotes included
	 */
	public static String string(String value) {
		StringBuilder json = new StringBuilder(value.length() + 2);
		appendString(json, value);
		return json.toString();
	}

	private static void appendString(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

	public static long utf8Length(String text) {
		long length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				length += 1;
			}
			else if (c < 0x800) {
				length += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				length += 4;
				i++;
			}
			else {
				length += 3;
			}
		}
		return length;
	}

}
