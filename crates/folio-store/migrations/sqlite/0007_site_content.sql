-- The owner's site content (see the PostgreSQL migration).
CREATE TABLE site_content (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
