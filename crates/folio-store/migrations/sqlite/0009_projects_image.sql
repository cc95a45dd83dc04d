-- A project's photo (see the PostgreSQL migration). Additive only.
ALTER TABLE projects ADD COLUMN "imageId" TEXT REFERENCES media (id);
ALTER TABLE projects ADD COLUMN "imageAlt" TEXT;
ALTER TABLE projects ADD COLUMN "imageWidth" INTEGER;
ALTER TABLE projects ADD COLUMN "imageHeight" INTEGER;
ALTER TABLE projects ADD COLUMN "imageFallback" TEXT CHECK ("imageFallback" IN ('jpg', 'png'));
CREATE INDEX projects_image ON projects ("imageId") WHERE "imageId" IS NOT NULL;
