-- When the owner marked each message handled (see the PostgreSQL migration).
ALTER TABLE contact_messages ADD COLUMN handled_at TEXT;
