-- A later migration of the test application, for databases migrated past the outbox versions.
ALTER TABLE orders ADD COLUMN total numeric(10, 2);
