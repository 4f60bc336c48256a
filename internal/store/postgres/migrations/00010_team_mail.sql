-- +goose Up
-- Links that let a user choose a new password: only a hash of the token in
-- the link is kept, so the database alone opens no account.
CREATE TABLE password_resets (
    hash       TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Emails to the admin site's users kept for the operator to read (pay
-- emails list) when no SMTP server is configured.
CREATE TABLE team_outbox (
    id         BIGSERIAL PRIMARY KEY,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE team_outbox;
DROP TABLE password_resets;
