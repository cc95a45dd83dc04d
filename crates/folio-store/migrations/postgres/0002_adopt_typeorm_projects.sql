-- Bring a `projects` table made by the earlier platform (TypeORM) to this schema, keeping every
-- row. On a table made by 0001 every step below is a no-op.

-- TypeORM's `simple-array` stored tags as comma-separated text; the earlier SQL script used text[].
DO $$
BEGIN
    IF (SELECT data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'projects'
          AND column_name = 'technologies') = 'text' THEN
        ALTER TABLE projects ALTER COLUMN technologies TYPE text[]
            USING CASE WHEN technologies IS NULL OR technologies = '' THEN '{}'::text[]
                       ELSE string_to_array(technologies, ',') END;
    END IF;
END
$$;
UPDATE projects SET technologies = '{}' WHERE technologies IS NULL;
ALTER TABLE projects
    ALTER COLUMN technologies SET DEFAULT '{}',
    ALTER COLUMN technologies SET NOT NULL;

-- TypeORM made `timestamp without time zone` columns holding UTC; make them timestamptz.
DO $$
DECLARE
    col text;
BEGIN
    FOREACH col IN ARRAY ARRAY['createdAt', 'updatedAt'] LOOP
        IF (SELECT data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'projects'
              AND column_name = col) = 'timestamp without time zone' THEN
            EXECUTE format('ALTER TABLE projects ALTER COLUMN %I TYPE timestamptz USING %I AT TIME ZONE ''UTC''',
                           col, col);
        END IF;
    END LOOP;
END
$$;

-- Folio sets "updatedAt" itself; the earlier trigger would overwrite it with the statement time.
DROP TRIGGER IF EXISTS update_projects_updated_at ON projects;

-- The listing query: active projects by "sortOrder", newest first.
CREATE INDEX IF NOT EXISTS projects_active_listing
    ON projects ("sortOrder", "createdAt" DESC) WHERE "isActive";
