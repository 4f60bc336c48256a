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

-- What changed in a service's team, by whom and when, for the team page.
CREATE TABLE team_events (
    id          BIGSERIAL PRIMARY KEY,
    service_id  BIGINT NOT NULL REFERENCES services (id),
    actor_email TEXT NOT NULL,
    summary     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX team_events_service ON team_events (service_id, id);

-- Invitations to join a service's team. The emailed link carries a random
-- token; only its hash is kept. Sending one again replaces the hash.
CREATE TABLE invitations (
    id           BIGSERIAL PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,
    service_id   BIGINT NOT NULL REFERENCES services (id),
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'view-and-refund', 'view-only')),
    invited_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    accepted_at  TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ
);
CREATE INDEX invitations_service ON invitations (service_id, id);

-- +goose Down
DROP TABLE invitations;
DROP TABLE team_events;
DROP TABLE team_outbox;
DROP TABLE password_resets;
