-- +goose Up
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE services (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_cy     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE accounts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services (id),
    type       TEXT NOT NULL CHECK (type IN ('test', 'live')),
    provider   TEXT NOT NULL,
    disabled   BOOLEAN NOT NULL DEFAULT FALSE,
    settings   JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret   TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE api_keys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    description  TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    hint         TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE agreements (
    id              TEXT PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts (id),
    reference       TEXT NOT NULL,
    description     TEXT NOT NULL,
    user_identifier TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    instrument      JSONB,
    created_at      TIMESTAMPTZ NOT NULL,
    cancelled_at    TIMESTAMPTZ
);
CREATE INDEX agreements_account_created ON agreements (account_id, created_at);

CREATE TABLE payments (
    id                     TEXT PRIMARY KEY,
    account_id             BIGINT NOT NULL REFERENCES accounts (id),
    amount                 BIGINT NOT NULL,
    reference              TEXT NOT NULL,
    description            TEXT NOT NULL,
    return_url             TEXT NOT NULL DEFAULT '',
    email                  TEXT NOT NULL DEFAULT '',
    language               TEXT NOT NULL,
    delayed_capture        BOOLEAN NOT NULL,
    moto                   BOOLEAN NOT NULL,
    authorisation_mode     TEXT NOT NULL,
    source                 TEXT NOT NULL,
    metadata               JSONB,
    status                 TEXT NOT NULL,
    provider               TEXT NOT NULL,
    provider_id            TEXT NOT NULL DEFAULT '',
    card_first_digits      TEXT NOT NULL DEFAULT '',
    card_last_digits       TEXT NOT NULL DEFAULT '',
    cardholder_name        TEXT NOT NULL DEFAULT '',
    card_expiry            TEXT NOT NULL DEFAULT '',
    card_brand             TEXT NOT NULL DEFAULT '',
    card_type              TEXT NOT NULL DEFAULT '',
    wallet_type            TEXT NOT NULL DEFAULT '',
    address_line1          TEXT NOT NULL DEFAULT '',
    address_line2          TEXT NOT NULL DEFAULT '',
    address_city           TEXT NOT NULL DEFAULT '',
    address_postcode       TEXT NOT NULL DEFAULT '',
    address_country        TEXT NOT NULL DEFAULT '',
    agreement_id           TEXT NOT NULL DEFAULT '',
    set_up_agreement       BOOLEAN NOT NULL DEFAULT FALSE,
    agreement_payment_type TEXT NOT NULL DEFAULT '',
    three_ds_required      BOOLEAN NOT NULL DEFAULT FALSE,
    can_retry              BOOLEAN,
    corporate_surcharge    BIGINT NOT NULL DEFAULT 0,
    fee                    BIGINT,
    refunded_amount        BIGINT NOT NULL DEFAULT 0,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    capture_submitted_at   TIMESTAMPTZ,
    captured_at            TIMESTAMPTZ,
    settled_at             TIMESTAMPTZ
);
CREATE INDEX payments_account_created ON payments (account_id, created_at DESC, id DESC);
CREATE INDEX payments_account_reference ON payments (account_id, lower(reference));
CREATE INDEX payments_status_created ON payments (status, created_at);
CREATE INDEX payments_agreement ON payments (agreement_id) WHERE agreement_id <> '';

CREATE TABLE payment_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id  TEXT NOT NULL REFERENCES payments (id),
    type        TEXT NOT NULL,
    status      TEXT NOT NULL,
    amount      BIGINT NOT NULL DEFAULT 0,
    occurred_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

CREATE TABLE payment_tokens (
    hash       TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    created_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX payment_tokens_created ON payment_tokens (created_at);

CREATE TABLE idempotency_keys (
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    key          TEXT NOT NULL,
    payment_id   TEXT NOT NULL REFERENCES payments (id),
    request_hash TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE refunds (
    id          TEXT PRIMARY KEY,
    payment_id  TEXT NOT NULL REFERENCES payments (id),
    account_id  BIGINT NOT NULL REFERENCES accounts (id),
    amount      BIGINT NOT NULL,
    status      TEXT NOT NULL,
    provider_id TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    settled_at  TIMESTAMPTZ
);
CREATE INDEX refunds_payment ON refunds (payment_id, created_at);
CREATE INDEX refunds_account_created ON refunds (account_id, created_at DESC, id DESC);

-- +goose Down
DROP TABLE refunds;
DROP TABLE idempotency_keys;
DROP TABLE payment_tokens;
DROP TABLE payment_events;
DROP TABLE payments;
DROP TABLE agreements;
DROP TABLE api_keys;
DROP TABLE users;
DROP TABLE accounts;
DROP TABLE services;
DROP TABLE settings;
