-- The outbox table: one row per domain event, inserted in the same transaction as the
-- business change it describes. Debezium reads each insert from the write-ahead log and its
-- Outbox Event Router turns it into a Kafka record; the columns use the router's default names.
--
-- Placeholders (replaced by Flyway from outbox.table.*; replace them by hand if you run this
-- yourself): ${outbox_schema}, ${outbox_table}.

-- Creates the schema only when it is missing (CREATE SCHEMA IF NOT EXISTS would make Flyway log
-- a warning for the usual, existing "public").
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '${outbox_schema}') THEN
        CREATE SCHEMA "${outbox_schema}";
    END IF;
END
$$;

CREATE TABLE "${outbox_schema}"."${outbox_table}" (
    -- Event id, time-ordered (UUIDv7). Becomes the Kafka record's "id" header.
    id                 uuid         NOT NULL PRIMARY KEY,
    -- Routes the record: topic outbox.event.<aggregatetype> by default.
    aggregatetype      varchar(255) NOT NULL,
    -- The Kafka record key, so that one aggregate's events stay in order on one partition.
    aggregateid        varchar(255) NOT NULL,
    -- Event type; the router ignores it unless it is placed as a header.
    type               varchar(255) NOT NULL,
    -- The event itself, as JSON.
    payload            jsonb        NOT NULL,
    -- Extra Kafka headers given at publication, as a JSON object of strings.
    headers            jsonb,
    -- Trace context of the publishing span, for trace propagation.
    tracingspancontext varchar(512),
    -- When the event was written, in UTC. Deliberately "timestamp" without time zone: Debezium
    -- emits it as epoch microseconds (io.debezium.time.MicroTimestamp), the only kind of column
    -- the router accepts as the Kafka record timestamp (timestamptz becomes a string).
    created_at         timestamp(6) NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC')
);
