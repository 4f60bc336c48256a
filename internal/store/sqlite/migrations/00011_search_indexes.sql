-- +goose Up
-- Search filters of the API and the admin site, each led by the account and
-- ordered as results are (newest first), so a filtered page reads only the
-- rows it shows and a count reads only the index.
CREATE INDEX payments_account_status_created ON payments (account_id, status, created_at DESC, id DESC);
CREATE INDEX payments_account_brand_created ON payments (account_id, card_brand, created_at DESC, id DESC);
CREATE INDEX payments_account_last_digits ON payments (account_id, card_last_digits, created_at DESC, id DESC);
CREATE INDEX payments_account_first_digits ON payments (account_id, card_first_digits, created_at DESC, id DESC);
CREATE INDEX payments_account_settled ON payments (account_id, settled_at) WHERE settled_at IS NOT NULL;
-- Substring searches on email and cardholder name (LIKE '%…%') find their
-- candidates in a trigram index, SQLite's equivalent of PostgreSQL's pg_trgm:
-- an FTS5 table over the payments' own rows, kept by triggers.
CREATE VIRTUAL TABLE payments_text USING fts5 (email, cardholder_name, content = 'payments', content_rowid = 'rowid',
    tokenize = 'trigram');
INSERT INTO payments_text (payments_text) VALUES ('rebuild');
-- +goose StatementBegin
CREATE TRIGGER payments_text_insert AFTER INSERT ON payments BEGIN
    INSERT INTO payments_text (rowid, email, cardholder_name) VALUES (new.rowid, new.email, new.cardholder_name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER payments_text_update AFTER UPDATE OF email, cardholder_name ON payments
    WHEN old.email IS NOT new.email OR old.cardholder_name IS NOT new.cardholder_name BEGIN
    INSERT INTO payments_text (payments_text, rowid, email, cardholder_name)
        VALUES ('delete', old.rowid, old.email, old.cardholder_name);
    INSERT INTO payments_text (rowid, email, cardholder_name) VALUES (new.rowid, new.email, new.cardholder_name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER payments_text_delete AFTER DELETE ON payments BEGIN
    INSERT INTO payments_text (payments_text, rowid, email, cardholder_name)
        VALUES ('delete', old.rowid, old.email, old.cardholder_name);
END;
-- +goose StatementEnd
CREATE INDEX refunds_account_status_created ON refunds (account_id, status, created_at DESC, id DESC);

-- +goose Down
DROP INDEX payments_account_status_created;
DROP INDEX payments_account_brand_created;
DROP INDEX payments_account_last_digits;
DROP INDEX payments_account_first_digits;
DROP INDEX payments_account_settled;
DROP TRIGGER payments_text_insert;
DROP TRIGGER payments_text_update;
DROP TRIGGER payments_text_delete;
DROP TABLE payments_text;
DROP INDEX refunds_account_status_created;
