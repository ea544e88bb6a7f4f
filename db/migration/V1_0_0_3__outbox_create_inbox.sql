-- The inbox: one row per outbox event a consumer of this service has processed, written in the
-- same transaction as the processing, so that a redelivered event is recognised and skipped.
-- Rows older than outbox.inbox.retention are removed by the inbox cleanup job.
--
-- Placeholders: ${outbox_schema}, ${outbox_inbox}.

CREATE TABLE "${outbox_schema}"."${outbox_inbox}" (
    -- Which listener processed the event: one event may be processed once by each of them.
    consumer    varchar(255) NOT NULL,
    -- The eventId header of the record.
    event_id    varchar(255) NOT NULL,
    received_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE INDEX "${outbox_inbox}_received_at" ON "${outbox_schema}"."${outbox_inbox}" (received_at);
