-- The embedded relay's position: how far into the write-ahead log every event has been delivered
-- to Kafka, kept in the database of the replication slot it belongs to, under the slot's name. The
-- Debezium engine reads it when the relay starts and writes it after Kafka acknowledged what it
-- covers (every outbox.relay.offsets.flush-interval); the slot's own confirmed position follows.
-- Besides the engine's offsets, the relay keeps here a replay it still has to ask for (while the
-- slot is being created again, or a publication gap is being closed), so that a crash in between
-- cannot lose it.
-- Kept here rather than in a Kafka topic so that two services, or two databases of one server,
-- can never pick up each other's position. Kafka Connect and Debezium Server keep their positions
-- in their own stores and do not use this table.
--
-- Written through the application's data source (whose user owns the table), or as the relay's user
-- where the relay connects to another database: that user then needs SELECT, INSERT, UPDATE, DELETE.
-- Placeholders: ${outbox_schema}, ${outbox_relay_position}.

CREATE TABLE "${outbox_schema}"."${outbox_relay_position}" (
    -- The replication slot the position is in.
    slot_name         varchar(63) NOT NULL,
    -- The Debezium engine's offset key and value (Kafka Connect's JSON form), or the relay's own
    -- entry for a pending replay.
    offset_key        text        NOT NULL,
    offset_value      text,
    -- The furthest WAL position the offset covers: a position is only ever replaced by one at
    -- least as far, so an instance that lost the relay cannot set its successor's back.
    lsn               bigint,
    -- The server the position was taken on (pg_control_system()): a position that came with a
    -- copy of the database to another server is recognised and refused, never used.
    system_identifier bigint      NOT NULL,
    -- The publication the relay streamed through (its oid): a publication dropped and created
    -- again since, which PostgreSQL may have skipped events under, is recognised and its gap
    -- replayed from the outbox table.
    publication_oid   bigint,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (slot_name, offset_key)
);
