-- Contact messages and their notification's delivery state (see the PostgreSQL migration).
CREATE TABLE IF NOT EXISTS contact_messages (
    id               TEXT PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    subject          TEXT NOT NULL,
    message          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    delivery_state   TEXT NOT NULL DEFAULT 'pending' CHECK (delivery_state IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error       TEXT,
    sent_at          TEXT
) STRICT;

CREATE INDEX IF NOT EXISTS contact_messages_due
    ON contact_messages (next_attempt_at) WHERE delivery_state = 'pending';
CREATE INDEX IF NOT EXISTS contact_messages_newest ON contact_messages (created_at DESC);
