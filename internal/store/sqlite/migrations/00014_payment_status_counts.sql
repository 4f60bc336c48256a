-- +goose Up
-- How many payments each account has in each status, kept by triggers in
-- the transaction that writes the payments. The exact total of a search by
-- state alone, or of all an account's payments, is their sum: counting the
-- payments themselves reads an index entry for each, a third of a million
-- for a state at a million payments. PostgreSQL counts the payments: a
-- counter row per account there would serialise concurrent creates, which
-- SQLite's one writer does anyway. Counts may reach 0 and stay.
CREATE TABLE payment_status_counts (
    account_id INTEGER NOT NULL,
    status     TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (account_id, status)
) WITHOUT ROWID;
INSERT INTO payment_status_counts (account_id, status, n)
    SELECT account_id, status, count(*) FROM payments GROUP BY account_id, status;
-- +goose StatementBegin
CREATE TRIGGER payment_status_counts_insert AFTER INSERT ON payments BEGIN
    INSERT INTO payment_status_counts (account_id, status, n) VALUES (new.account_id, new.status, 1)
        ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER payment_status_counts_update AFTER UPDATE OF account_id, status ON payments
    WHEN old.account_id IS NOT new.account_id OR old.status IS NOT new.status BEGIN
    UPDATE payment_status_counts SET n = n - 1 WHERE account_id = old.account_id AND status = old.status;
    INSERT INTO payment_status_counts (account_id, status, n) VALUES (new.account_id, new.status, 1)
        ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER payment_status_counts_delete AFTER DELETE ON payments BEGIN
    UPDATE payment_status_counts SET n = n - 1 WHERE account_id = old.account_id AND status = old.status;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER payment_status_counts_insert;
DROP TRIGGER payment_status_counts_update;
DROP TRIGGER payment_status_counts_delete;
DROP TABLE payment_status_counts;
