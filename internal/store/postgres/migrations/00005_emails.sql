-- +goose Up
-- Emails to payers: one row per confirmation or refund email, written with
-- the change that causes it, then updated by its job with how sending went
-- and what was sent (the outbox shows it back).
CREATE TABLE emails (
    id         TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    payment_id TEXT NOT NULL REFERENCES payments (id),
    refund_id  TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    status     TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL DEFAULT '',
    body_text  TEXT NOT NULL DEFAULT '',
    body_html  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ
);
CREATE INDEX emails_account_created ON emails (account_id, created_at DESC, id DESC);
CREATE INDEX emails_payment ON emails (payment_id);

-- +goose Down
DROP TABLE emails;
