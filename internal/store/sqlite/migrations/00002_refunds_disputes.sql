-- +goose Up
ALTER TABLE payments ADD COLUMN dispute_status TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_events ADD COLUMN refund_id TEXT NOT NULL DEFAULT '';
CREATE INDEX refunds_account_settled ON refunds (account_id, settled_at);

CREATE TABLE disputes (
    id              TEXT PRIMARY KEY,
    payment_id      TEXT NOT NULL UNIQUE REFERENCES payments (id),
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    amount          INTEGER NOT NULL,
    fee             INTEGER,
    net_amount      INTEGER,
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    evidence_due_at TEXT NOT NULL,
    settled_at      TEXT
);
CREATE INDEX disputes_account_created ON disputes (account_id, created_at DESC, id DESC);

-- +goose Down
DROP TABLE disputes;
DROP INDEX refunds_account_settled;
ALTER TABLE payment_events DROP COLUMN refund_id;
ALTER TABLE payments DROP COLUMN dispute_status;
