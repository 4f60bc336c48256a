-- +goose Up
-- Webhooks: a service's subscriptions to payment events, the messages each
-- event makes (written with the change that causes it) and every attempt to
-- deliver them. Messages and attempts are kept for 7 days.
CREATE TABLE webhooks (
    id           TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    callback_url TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    events       TEXT NOT NULL,
    secret       TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX webhooks_account ON webhooks (account_id, created_at);

CREATE TABLE webhook_messages (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL,
    payment_id      TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    lease_until     TEXT,
    body            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX webhook_messages_webhook ON webhook_messages (webhook_id, created_at DESC, id DESC);
CREATE INDEX webhook_messages_created ON webhook_messages (created_at);

CREATE TABLE webhook_attempts (
    message_id  TEXT NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    status      TEXT NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    at          TEXT NOT NULL,
    PRIMARY KEY (message_id, number)
);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_messages;
DROP TABLE webhooks;
