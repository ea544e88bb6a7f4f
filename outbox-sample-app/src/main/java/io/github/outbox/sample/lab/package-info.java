/**
 * The failure lab, for development: faults fired at the sample's own servers from the pipeline
 * console, a steady workload, an audit log consumer, and the verdict that compares what was
 * committed, delivered and applied. Off with the {@code external} profile.
 */
@NullMarked
package io.github.outbox.sample.lab;

import org.jspecify.annotations.NullMarked;
