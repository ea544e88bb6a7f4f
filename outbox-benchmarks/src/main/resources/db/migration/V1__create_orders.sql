-- The business table of the benchmark: one row per transaction.
CREATE TABLE orders (
    id       uuid          NOT NULL PRIMARY KEY,
    customer varchar(64)   NOT NULL,
    total    numeric(12,2) NOT NULL,
    placed   timestamptz   NOT NULL DEFAULT now()
);
