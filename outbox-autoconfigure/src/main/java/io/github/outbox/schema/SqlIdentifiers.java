package io.github.outbox.schema;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Checks names that end up in SQL and Debezium configuration. Only lowercase unquoted
 * identifiers are accepted: PostgreSQL folds unquoted names to lowercase, and Debezium's
 * table filters and the slot and publication names are simplest to get right with names that
 * read the same quoted or not.
 */
final class SqlIdentifiers {

	// PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1).
	private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	static final String RULE = "use lowercase letters, digits and underscores, starting with a letter or an underscore, "
			+ "at most 63 characters";

	private SqlIdentifiers() {
	}

	/**
	 * Returns what is wrong with an identifier.
	 * @param identifier the identifier to check
	 * @return the problem, or {@code null} if it is valid
	 */
	static @Nullable String problem(@Nullable String identifier) {
		if (identifier == null || identifier.isEmpty()) {
			return "is empty: " + RULE;
		}
		if (!IDENTIFIER.matcher(identifier).matches()) {
			return "is not a valid PostgreSQL identifier: " + RULE;
		}
		return null;
	}

}
