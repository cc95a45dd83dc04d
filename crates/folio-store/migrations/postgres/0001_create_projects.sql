-- Projects, with the earlier platform's column names (TypeORM's quoted camelCase), so a database
-- it created is adopted as it is (see 0002) and both can read the same table during a switch-over.
CREATE TABLE IF NOT EXISTS projects (
    id            uuid PRIMARY KEY,
    title         varchar(200) NOT NULL,
    description   text NOT NULL,
    "imageUrl"    varchar(500),
    "projectUrl"  varchar(500),
    "githubUrl"   varchar(500),
    technologies  text[] NOT NULL DEFAULT '{}',
    "isActive"    boolean NOT NULL DEFAULT true,
    "sortOrder"   integer NOT NULL DEFAULT 0,
    "createdAt"   timestamptz NOT NULL DEFAULT now(),
    "updatedAt"   timestamptz NOT NULL DEFAULT now()
);
