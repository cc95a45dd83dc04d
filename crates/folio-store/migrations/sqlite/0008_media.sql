-- The owner's images and the files made of each (see the PostgreSQL migration). Additive only.
CREATE TABLE IF NOT EXISTS media (
    id          TEXT PRIMARY KEY NOT NULL,
    width       INTEGER NOT NULL CHECK (width > 0),
    height      INTEGER NOT NULL CHECK (height > 0),
    created_at  TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS media_files (
    media_id      TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    bytes         BLOB NOT NULL,
    PRIMARY KEY (media_id, name)
) STRICT;
