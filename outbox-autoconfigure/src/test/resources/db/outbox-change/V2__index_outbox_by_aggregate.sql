-- An application migration that changes the outbox table: it runs after the outbox migrations,
-- even on a new database.
CREATE INDEX outbox_event_aggregate ON outbox_event (aggregatetype, aggregateid);
