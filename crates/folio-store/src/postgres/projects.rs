//! The SQL for projects and the mapping of rows onto [`Project`].

use crate::columns::project_columns;
use chrono::{DateTime, Utc};
use folio_core::{Kind, Project, ProjectImage, Slug};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

pub(crate) use crate::columns::{LIST_ACTIVE_PROJECTS as LIST_ACTIVE, LIST_ALL_PROJECTS as LIST_ALL};
pub(crate) const GET: &str = concat!("SELECT ", project_columns!(), " FROM projects WHERE id = $1");
pub(crate) const GET_FOR_UPDATE: &str =
    concat!("SELECT ", project_columns!(), " FROM projects WHERE id = $1 FOR UPDATE");
pub(crate) const INSERT: &str = concat!(
    "INSERT INTO projects (",
    project_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
);
pub(crate) const UPDATE: &str = r#"UPDATE projects SET title = $2, description = $3, "imageUrl" = $4, "projectUrl" = $5,
    "githubUrl" = $6, technologies = $7, "isActive" = $8, "sortOrder" = $9, "createdAt" = $10, "updatedAt" = $11,
    slug = $12, "imageId" = $13, "imageAlt" = $14, "imageWidth" = $15, "imageHeight" = $16, "imageFallback" = $17
    WHERE id = $1"#;
pub(crate) const DELETE: &str = "DELETE FROM projects WHERE id = $1";

/// A row selected with the project columns, in order.
pub(crate) fn project(row: &Row) -> Project {
    let id = row.get(0);
    Project {
        id,
        title: row.get(1),
        slug: row.get::<_, Option<String>>(11).unwrap_or_else(|| Slug::for_unnamed(id)),
        description: row.get(2),
        image_url: row.get(3),
        image: image(row),
        project_url: row.get(4),
        github_url: row.get(5),
        technologies: row.get(6),
        is_active: row.get(7),
        sort_order: row.get(8),
        created_at: row.get::<_, DateTime<Utc>>(9).into(),
        updated_at: row.get::<_, DateTime<Utc>>(10).into(),
    }
}

/// The photo of a row selected with the project columns: stored whole or not at all.
fn image(row: &Row) -> Option<ProjectImage> {
    let id: Option<uuid::Uuid> = row.get(12);
    let fallback: Option<String> = row.get(16);
    Some(ProjectImage {
        id: id?,
        alt: row.get::<_, Option<String>>(13).unwrap_or_default(),
        width: u32::try_from(row.get::<_, Option<i32>>(14)?).ok()?,
        height: u32::try_from(row.get::<_, Option<i32>>(15)?).ok()?,
        fallback: Kind::from_extension(fallback.as_deref()?)?,
    })
}

/// A project's photo as the columns hold it: id, alt, width, height and the fallback's
/// extension, all `NULL` for none.
pub(crate) type ImageColumns = (Option<uuid::Uuid>, Option<String>, Option<i32>, Option<i32>, Option<&'static str>);

/// The columns of a project's photo.
pub(crate) fn image_columns(p: &Project) -> ImageColumns {
    match &p.image {
        None => (None, None, None, None, None),
        Some(i) => (
            Some(i.id),
            Some(i.alt.clone()),
            Some(crate::media::dimension(i.width)),
            Some(crate::media::dimension(i.height)),
            Some(i.fallback.extension()),
        ),
    }
}

/// A project's two timestamps, as the driver binds them.
pub(crate) fn timestamps(p: &Project) -> [DateTime<Utc>; 2] {
    [p.created_at.as_datetime(), p.updated_at.as_datetime()]
}

/// A project's values in column order, for INSERT and UPDATE alike.
pub(crate) fn values<'a>(
    p: &'a Project,
    at: &'a [DateTime<Utc>; 2],
    image: &'a ImageColumns,
) -> [&'a (dyn ToSql + Sync); 17] {
    [
        &p.id,
        &p.title,
        &p.description,
        &p.image_url,
        &p.project_url,
        &p.github_url,
        &p.technologies,
        &p.is_active,
        &p.sort_order,
        &at[0],
        &at[1],
        &p.slug,
        &image.0,
        &image.1,
        &image.2,
        &image.3,
        &image.4,
    ]
}
