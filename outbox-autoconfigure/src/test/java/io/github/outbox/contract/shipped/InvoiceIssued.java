package io.github.outbox.contract.shipped;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.outbox.AggregateId;
import io.github.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;

/**
 * The second version of an event whose service ships both versions' schema files
 * ({@code outbox/schemas/invoice/} in the test resources).
 *
 * @param invoiceId the invoice
 * @param amount its amount
 * @param note added in version 2
 */
@OutboxEvent(aggregateType = "invoice")
public record InvoiceIssued(@AggregateId UUID invoiceId, BigDecimal amount, @Nullable String note) {
}
