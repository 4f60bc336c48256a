-- +goose Up
-- Payment links, and the payments made through them. A link's friendly
-- address is unique, and so is a generated reference within its account:
-- the indexes, not luck, keep two payers from sharing one.
CREATE TABLE links (
    id              TEXT PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts (id),
    service_slug    TEXT NOT NULL,
    slug            TEXT NOT NULL,
    title           TEXT NOT NULL,
    details         TEXT NOT NULL,
    language        TEXT NOT NULL,
    reference_label TEXT NOT NULL,
    reference_hint  TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    amount_hint     TEXT NOT NULL,
    metadata        JSONB,
    status          TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX links_path ON links (service_slug, slug);
CREATE INDEX links_account ON links (account_id, created_at);

CREATE TABLE link_payments (
    payment_id TEXT PRIMARY KEY REFERENCES payments (id),
    link_id    TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    reference  TEXT NOT NULL,
    generated  BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX link_payments_generated_reference ON link_payments (account_id, reference) WHERE generated;

-- +goose Down
DROP TABLE link_payments;
DROP TABLE links;
