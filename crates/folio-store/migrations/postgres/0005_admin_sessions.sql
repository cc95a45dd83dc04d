-- The owner's admin sessions: the SHA-256 of each session id, never the id, so reading the
-- table does not let anyone sign in. Additive only: during a rollback the previous release runs
-- on this schema and never reads it.
CREATE TABLE IF NOT EXISTS admin_sessions (
    id_hash       text PRIMARY KEY,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);
