-- Projects, with the same column names and contract as on PostgreSQL. Ids are hyphenated UUID
-- text, technologies a JSON array, timestamps fixed-width RFC 3339 UTC text (so they sort).
CREATE TABLE IF NOT EXISTS projects (
    id            TEXT PRIMARY KEY NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    "imageUrl"    TEXT,
    "projectUrl"  TEXT,
    "githubUrl"   TEXT,
    technologies  TEXT NOT NULL DEFAULT '[]',
    "isActive"    INTEGER NOT NULL DEFAULT 1,
    "sortOrder"   INTEGER NOT NULL DEFAULT 0,
    "createdAt"   TEXT NOT NULL,
    "updatedAt"   TEXT NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS projects_active_listing
    ON projects ("sortOrder", "createdAt" DESC) WHERE "isActive";
