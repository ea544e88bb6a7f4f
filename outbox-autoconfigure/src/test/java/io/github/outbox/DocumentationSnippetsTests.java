package io.github.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds every Java snippet of the README and docs/ to compiled code: each must appear, up to
 * whitespace, in the sources of {@code io.github.outbox.docs} (test sources of this module,
 * compiled with the build), where {@code ...} in a snippet stands for any code left out.
 */
class DocumentationSnippetsTests {

	private static final Path SNIPPET_SOURCES = Path.of("src", "test", "java", "io", "github", "outbox", "docs");

	private static final Pattern JAVA_BLOCK = Pattern.compile("^( *)```java\\n(.*?)^\\1```", Pattern.MULTILINE | Pattern.DOTALL);

	@Test
	void everyJavaSnippetOfTheDocumentationIsCompiledCode() throws IOException {
		String sources = normalized(compiledSnippetSources());
		List<Snippet> snippets = snippets();
		assertThat(snippets).hasSizeGreaterThanOrEqualTo(15);
		assertThat(snippets).allSatisfy((snippet) -> assertThat(snippet.pattern().matcher(sources).find())
			.as("The snippet at %s is not in %s; write it there (where it compiles), then copy it:%n%s", snippet.where(),
					SNIPPET_SOURCES, snippet.text())
			.isTrue());
	}

	private static String compiledSnippetSources() throws IOException {
		try (Stream<Path> files = Files.walk(SNIPPET_SOURCES)) {
			return files.filter((file) -> file.toString().endsWith(".java")).sorted().map((file) -> {
				try {
					return Files.readString(file);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}).collect(Collectors.joining("\n"));
		}
	}

	private static List<Snippet> snippets() throws IOException {
		List<Path> documents = new ArrayList<>();
		documents.add(Path.of("..", "README.md"));
		try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
			docs.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
		}
		List<Snippet> snippets = new ArrayList<>();
		for (Path document : documents) {
			String text = Files.readString(document);
			Matcher block = JAVA_BLOCK.matcher(text);
			while (block.find()) {
				int line = text.substring(0, block.start()).split("\n", -1).length;
				snippets.add(new Snippet(document.normalize() + ":" + line, block.group(2)));
			}
		}
		return snippets;
	}

	private static String normalized(String code) {
		return code.replaceAll("\\s+", " ").trim();
	}

	record Snippet(String where, String text) {

		Pattern pattern() {
			String[] parts = normalized(this.text).split(Pattern.quote("..."), -1);
			return Pattern.compile(Stream.of(parts).map(Pattern::quote).collect(Collectors.joining(".*?")));
		}

	}

}
