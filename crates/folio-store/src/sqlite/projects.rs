//! The SQL for projects on SQLite and the mapping of rows onto [`Project`].

use folio_core::{Kind, Project, ProjectImage, Slug, Timestamp};
use rusqlite::Row;
use rusqlite::types::Value;
use uuid::Uuid;

use super::decode::parse;
use crate::columns::project_columns;

pub(crate) use crate::columns::{LIST_ACTIVE_PROJECTS as LIST_ACTIVE, LIST_ALL_PROJECTS as LIST_ALL};
pub(crate) const GET: &str = concat!("SELECT ", project_columns!(), " FROM projects WHERE id = ?1");
pub(crate) const INSERT: &str = concat!(
    "INSERT INTO projects (",
    project_columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
);
pub(crate) const UPDATE: &str = r#"UPDATE projects SET title = ?2, description = ?3, "imageUrl" = ?4, "projectUrl" = ?5,
    "githubUrl" = ?6, technologies = ?7, "isActive" = ?8, "sortOrder" = ?9, "createdAt" = ?10, "updatedAt" = ?11,
    slug = ?12, "imageId" = ?13, "imageAlt" = ?14, "imageWidth" = ?15, "imageHeight" = ?16, "imageFallback" = ?17
    WHERE id = ?1"#;
pub(crate) const DELETE: &str = "DELETE FROM projects WHERE id = ?1";

/// A project's values in column order, for INSERT and UPDATE alike: the id as hyphenated
/// text, the tags as a JSON array, the timestamps as fixed-width RFC 3339. Values rather than
/// a tuple: rusqlite's tuples of parameters stop at 16.
pub(crate) fn values(p: &Project) -> impl rusqlite::Params + '_ {
    let image = p.image.as_ref();
    let text = |value: &str| Value::Text(value.to_owned());
    let values: [Value; 17] = [
        Value::Text(p.id.to_string()),
        text(&p.title),
        text(&p.description),
        p.image_url.clone().into(),
        p.project_url.clone().into(),
        p.github_url.clone().into(),
        Value::Text(serde_json::to_string(&p.technologies).expect("a list of strings always serialises")),
        p.is_active.into(),
        p.sort_order.into(),
        Value::Text(p.created_at.to_rfc3339()),
        Value::Text(p.updated_at.to_rfc3339()),
        text(&p.slug),
        image.map(|i| i.id.to_string()).into(),
        image.map(|i| i.alt.clone()).into(),
        image.map(|i| i.width).into(),
        image.map(|i| i.height).into(),
        image.map(|i| i.fallback.extension().to_owned()).into(),
    ];
    rusqlite::params_from_iter(values)
}

/// A row selected with the project columns, in order.
pub(crate) fn project(row: &Row<'_>) -> rusqlite::Result<Project> {
    let id = parse(row, 0, Uuid::parse_str)?;
    Ok(Project {
        id,
        title: row.get(1)?,
        slug: row.get::<_, Option<String>>(11)?.unwrap_or_else(|| Slug::for_unnamed(id)),
        description: row.get(2)?,
        image_url: row.get(3)?,
        image: image(row)?,
        project_url: row.get(4)?,
        github_url: row.get(5)?,
        technologies: parse(row, 6, |s| serde_json::from_str::<Vec<String>>(s))?,
        is_active: row.get(7)?,
        sort_order: row.get(8)?,
        created_at: parse(row, 9, Timestamp::parse)?,
        updated_at: parse(row, 10, Timestamp::parse)?,
    })
}

/// The photo of a row selected with the project columns: stored whole or not at all.
fn image(row: &Row<'_>) -> rusqlite::Result<Option<ProjectImage>> {
    let Some(id) = row.get::<_, Option<String>>(12)? else {
        return Ok(None);
    };
    let fallback: Option<String> = row.get(16)?;
    let (width, height): (Option<u32>, Option<u32>) = (row.get(14)?, row.get(15)?);
    Ok((|| {
        Some(ProjectImage {
            id: Uuid::parse_str(&id).ok()?,
            alt: row.get::<_, Option<String>>(13).ok().flatten().unwrap_or_default(),
            width: width?,
            height: height?,
            fallback: Kind::from_extension(fallback.as_deref()?)?,
        })
    })())
}
