/**
 * A downstream consumer of the order events: a read model fed only from Kafka, as another
 * service would build it.
 */
@NullMarked
package io.github.outbox.sample.projection;

import org.jspecify.annotations.NullMarked;
