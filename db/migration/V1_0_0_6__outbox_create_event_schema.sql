-- The event schema registry: one row per version of each event type's JSON Schema, as the
-- service's Jackson mapper writes the event class. At start-up the service registers each event
-- type's current schema: an unchanged one adds nothing, a compatible change adds the next version,
-- and an incompatible change (under outbox.schema.compatibility) stops the start-up. Two instances
-- starting at once register one version: registration takes a transaction advisory lock per event
-- type, and the unique fingerprint is the backstop.
--
-- Placeholders: ${outbox_schema}, ${outbox_event_schema}.

CREATE TABLE "${outbox_schema}"."${outbox_event_schema}" (
    -- The event's aggregate type and event type, as the outbox table's columns hold them.
    aggregate_type varchar(255) NOT NULL,
    event_type     varchar(255) NOT NULL,
    -- 1 for the first schema registered, then one more for each change.
    version        integer      NOT NULL,
    -- The JSON Schema (draft 2020-12), canonical: keys sorted.
    schema         jsonb        NOT NULL,
    -- SHA-256 of the canonical schema text, in hexadecimal.
    fingerprint    char(64)     NOT NULL,
    -- The class the schema was derived from, and the application that registered it
    -- (spring.application.name).
    event_class    varchar(1000) NOT NULL,
    registered_by  varchar(255),
    registered_at  timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, event_type, version),
    UNIQUE (aggregate_type, event_type, fingerprint)
);
