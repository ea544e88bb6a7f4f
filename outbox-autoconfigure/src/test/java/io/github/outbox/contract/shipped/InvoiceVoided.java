package io.github.outbox.contract.shipped;

import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;

/**
 * An event whose shipped versions include a deliberate break: version 2 dropped version 1's
 * reason (registered under outbox.schema.compatibility=none at the time).
 *
 * @param invoiceId the invoice
 */
@OutboxEvent(aggregateType = "invoice")
public record InvoiceVoided(@AggregateId UUID invoiceId) {
}
