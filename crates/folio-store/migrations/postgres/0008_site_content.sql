-- The owner's site content: one JSON document in one row (the application checks it; nothing
-- queries inside it, so it is text rather than jsonb, read back exactly as written).
CREATE TABLE IF NOT EXISTS site_content (
    id smallint PRIMARY KEY CHECK (id = 1),
    document text NOT NULL,
    updated_at timestamptz NOT NULL
);
