-- The owner's images: one row per upload, and the files Folio made of it (the clean master and
-- its variants; the upload itself is never kept, since it carries the photo's metadata). Files
-- never change once stored: a replaced image is a new upload with a new id, so they are served
-- as immutable. Additive only: the previous release never reads these tables.
CREATE TABLE IF NOT EXISTS media (
    id          uuid PRIMARY KEY,
    width       integer NOT NULL CHECK (width > 0),
    height      integer NOT NULL CHECK (height > 0),
    created_at  timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS media_files (
    media_id      uuid NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    name          text NOT NULL,
    content_type  text NOT NULL,
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    bytes         bytea NOT NULL,
    PRIMARY KEY (media_id, name)
);
-- Images are compressed already: kept out of line without a second compression.
ALTER TABLE media_files ALTER COLUMN bytes SET STORAGE EXTERNAL;
