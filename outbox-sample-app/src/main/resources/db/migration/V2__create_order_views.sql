-- The projection, written only by the consumer from the events it reads from Kafka. In a real
-- system it would live in another service with its own database.
CREATE TABLE order_views (
    order_id       uuid PRIMARY KEY,
    customer       varchar(100)   NOT NULL,
    total          numeric(12, 2) NOT NULL,
    status         varchar(20)    NOT NULL,
    placed_at      timestamptz    NOT NULL,
    cancelled_at   timestamptz,
    cancel_reason  varchar(200),
    events_applied integer        NOT NULL
);

CREATE INDEX order_views_placed_at ON order_views (placed_at DESC);
