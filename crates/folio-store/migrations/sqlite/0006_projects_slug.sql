-- Each project's readable address (see the PostgreSQL migration).
ALTER TABLE projects ADD COLUMN slug TEXT;
CREATE UNIQUE INDEX projects_slug ON projects (slug);
