-- +goose Up
-- The admin site: users' sign-in state, their roles in services, and
-- server-side sessions.
ALTER TABLE users ADD COLUMN password_change_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;

CREATE TABLE service_users (
    service_id BIGINT NOT NULL REFERENCES services (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL CHECK (role IN ('admin', 'view-and-refund', 'view-only')),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service_id, user_id)
);
CREATE INDEX service_users_user ON service_users (user_id);

-- Before roles existed every user administered every service.
INSERT INTO service_users (service_id, user_id, role, created_at)
SELECT s.id, u.id, 'admin', u.created_at FROM services s CROSS JOIN users u;

CREATE TABLE admin_sessions (
    hash         TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    stage        TEXT NOT NULL,
    pending_totp TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX admin_sessions_user ON admin_sessions (user_id);
CREATE INDEX admin_sessions_last_seen ON admin_sessions (last_seen_at);
CREATE INDEX admin_sessions_created ON admin_sessions (created_at);

-- +goose Down
DROP TABLE admin_sessions;
DROP TABLE service_users;
ALTER TABLE users DROP COLUMN failed_sign_ins;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN password_change_required;
