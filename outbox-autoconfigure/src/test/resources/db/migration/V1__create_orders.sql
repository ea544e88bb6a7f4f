-- The business table of the test application, migrated by the application's own Flyway.
CREATE TABLE orders (
    id       uuid PRIMARY KEY,
    customer varchar(100) NOT NULL,
    status   varchar(20)  NOT NULL
);
