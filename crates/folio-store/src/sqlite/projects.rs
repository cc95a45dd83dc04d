//! The SQL for projects on SQLite and the mapping of rows onto [`Project`].

use folio_core::{Project, Slug, Timestamp};
use rusqlite::Row;
use uuid::Uuid;

use super::decode::parse;
use crate::columns::project_columns;

pub(crate) use crate::columns::{LIST_ACTIVE_PROJECTS as LIST_ACTIVE, LIST_ALL_PROJECTS as LIST_ALL};
pub(crate) const GET: &str = concat!("SELECT ", project_columns!(), " FROM projects WHERE id = ?1");
pub(crate) const INSERT: &str = concat!(
    "INSERT INTO projects (",
    project_columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
);
pub(crate) const UPDATE: &str = r#"UPDATE projects SET title = ?2, description = ?3, "imageUrl" = ?4, "projectUrl" = ?5,
    "githubUrl" = ?6, technologies = ?7, "isActive" = ?8, "sortOrder" = ?9, "createdAt" = ?10, "updatedAt" = ?11,
    slug = ?12 WHERE id = ?1"#;
pub(crate) const DELETE: &str = "DELETE FROM projects WHERE id = ?1";

/// A project's values in column order, for INSERT and UPDATE alike: the id as hyphenated
/// text, the tags as a JSON array, the timestamps as fixed-width RFC 3339.
pub(crate) fn values(p: &Project) -> impl rusqlite::Params + '_ {
    (
        p.id.to_string(),
        &p.title,
        &p.description,
        &p.image_url,
        &p.project_url,
        &p.github_url,
        serde_json::to_string(&p.technologies).expect("a list of strings always serialises"),
        p.is_active,
        p.sort_order,
        p.created_at.to_rfc3339(),
        p.updated_at.to_rfc3339(),
        &p.slug,
    )
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
        project_url: row.get(4)?,
        github_url: row.get(5)?,
        technologies: parse(row, 6, |s| serde_json::from_str::<Vec<String>>(s))?,
        is_active: row.get(7)?,
        sort_order: row.get(8)?,
        created_at: parse(row, 9, Timestamp::parse)?,
        updated_at: parse(row, 10, Timestamp::parse)?,
    })
}
