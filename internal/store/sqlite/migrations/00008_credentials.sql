-- +goose Up
-- A live account's provider credentials, sealed with a key derived from the
-- instance secret: the database alone does not reveal them.
CREATE TABLE account_credentials (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    sealed     BLOB NOT NULL,
    updated_at TEXT NOT NULL
);

-- The organisation that took a service live, and who accepted the terms.
CREATE TABLE service_organisations (
    service_id  INTEGER PRIMARY KEY REFERENCES services (id),
    details     TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    accepted_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE service_organisations;
DROP TABLE account_credentials;
