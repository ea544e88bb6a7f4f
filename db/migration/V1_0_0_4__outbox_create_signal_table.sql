-- Debezium's signal table: an operator (or OutboxReplay) inserts an "execute-snapshot" signal to
-- make the relay republish outbox rows still kept in the table (an incremental snapshot), and
-- Debezium inserts the watermarks that frame each chunk it reads. Both reach Debezium through
-- the write-ahead log, so the table is in the outbox publication; the connector configuration
-- names it in signal.data.collection and drops its change events before the Outbox Event
-- Router.
--
-- Debezium writes "INSERT INTO <table> VALUES (?, ?, ?)" and reads exactly three columns: keep
-- the columns as they are. Rows are never read again once processed; delete them whenever no
-- replay is running.
--
-- Needs the relay's database user to have INSERT on the table (for the watermarks).
-- Placeholders: ${outbox_schema}, ${outbox_signal}, ${outbox_publication}.

CREATE TABLE "${outbox_schema}"."${outbox_signal}" (
    -- Any unique id; Debezium's watermarks use a UUID with an -open or -close suffix.
    id   varchar(64) NOT NULL PRIMARY KEY,
    -- The signal's type, such as execute-snapshot.
    type varchar(32) NOT NULL,
    -- The signal's parameters, as JSON.
    data text
);

ALTER PUBLICATION "${outbox_publication}" ADD TABLE "${outbox_schema}"."${outbox_signal}";
