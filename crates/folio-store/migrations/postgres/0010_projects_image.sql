-- A project's photo: one of the owner's uploaded images, with the text that describes it and
-- the facts a page needs to show it (the widest variant's size, the fallback's format), kept
-- here because an image's files never change. An image a project shows cannot be deleted (the
-- foreign key), so a page never points at a photo that is gone. Additive only: the previous
-- release neither reads nor writes these columns.
ALTER TABLE projects
    ADD COLUMN IF NOT EXISTS "imageId" uuid REFERENCES media (id),
    ADD COLUMN IF NOT EXISTS "imageAlt" text,
    ADD COLUMN IF NOT EXISTS "imageWidth" integer,
    ADD COLUMN IF NOT EXISTS "imageHeight" integer,
    ADD COLUMN IF NOT EXISTS "imageFallback" text CHECK ("imageFallback" IN ('jpg', 'png'));
CREATE INDEX IF NOT EXISTS projects_image ON projects ("imageId") WHERE "imageId" IS NOT NULL;
