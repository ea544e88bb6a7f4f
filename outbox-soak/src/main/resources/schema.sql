CREATE TABLE IF NOT EXISTS soak_order (
    id    varchar(64) PRIMARY KEY,
    state varchar(32) NOT NULL,
    seq   bigint      NOT NULL
);
CREATE TABLE IF NOT EXISTS soak_applied (
    event_id     varchar(64) PRIMARY KEY,
    applications int         NOT NULL
);
