-- When the owner read each message (see the PostgreSQL migration).
ALTER TABLE contact_messages ADD COLUMN read_at TEXT;

CREATE INDEX IF NOT EXISTS contact_messages_unread ON contact_messages (created_at) WHERE read_at IS NULL;
