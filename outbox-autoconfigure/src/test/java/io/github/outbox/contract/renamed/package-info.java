/**
 * Event classes of one version of a service, for the registry's tests.
 */
@NullMarked
package io.github.outbox.contract.renamed;

import org.jspecify.annotations.NullMarked;
