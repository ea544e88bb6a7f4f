-- The publication Debezium's pgoutput plugin streams from. It covers the outbox table only,
-- so that no other table's changes are decoded, and publishes inserts only: the outbox is
-- append-only, and deleting old rows must not send anything downstream.
--
-- Needs the CREATE privilege on the database and ownership of the outbox table.
-- Placeholders: ${outbox_schema}, ${outbox_table}, ${outbox_publication}.

CREATE PUBLICATION "${outbox_publication}"
    FOR TABLE "${outbox_schema}"."${outbox_table}"
    WITH (publish = 'insert');
