-- Each project's readable address, /projects/{slug}. Unique; NULL only in rows a release
-- before slugs wrote (every start fills those in from the title, under the migration lock).
ALTER TABLE projects ADD COLUMN IF NOT EXISTS slug text;
CREATE UNIQUE INDEX IF NOT EXISTS projects_slug ON projects (slug);
