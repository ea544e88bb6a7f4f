/**
 * The Java snippets of the README and docs/, compiled: {@code DocumentationSnippetsTests}
 * fails when a snippet is not found here, so that a snippet that would not compile cannot be
 * published. Change a snippet here first, then copy it.
 */
package io.github.outbox.docs;
