-- The failure lab's second workload: an audit log that must hold every order event once, in
-- order per order. Written only by the AuditLog consumer.
CREATE TABLE audit_log (
    position   bigserial PRIMARY KEY,
    event_id   uuid         NOT NULL,
    order_id   uuid         NOT NULL,
    event_type varchar(100) NOT NULL,
    logged_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_event_id ON audit_log (event_id);
