CREATE TABLE orders (
    id            uuid PRIMARY KEY,
    customer      varchar(100)   NOT NULL,
    total         numeric(12, 2) NOT NULL,
    status        varchar(20)    NOT NULL,
    cancel_reason varchar(200),
    version       bigint         NOT NULL
);
