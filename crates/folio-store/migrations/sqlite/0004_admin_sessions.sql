-- The owner's admin sessions (see the PostgreSQL migration). Additive only.
CREATE TABLE IF NOT EXISTS admin_sessions (
    id_hash       TEXT PRIMARY KEY NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
) STRICT;
