//! The column lists both backends select and insert, in one order: the two schemas use the same
//! names, so each backend's SQL (which differs only in placeholders and types) starts here.

/// The columns of `projects`, in the order rows are read and written.
macro_rules! project_columns {
    () => {
        r#"id, title, description, "imageUrl", "projectUrl", "githubUrl", technologies, "isActive", "sortOrder", "createdAt", "updatedAt", slug, "imageId", "imageAlt", "imageWidth", "imageHeight", "imageFallback""#
    };
}

/// The columns of `contact_messages`, in the order rows are read and written.
macro_rules! contact_columns {
    () => {
        "id, name, email, subject, message, created_at, read_at, delivery_state, attempts, next_attempt_at, last_error, sent_at"
    };
}

/// What a read of a contact message selects: the inserted columns, then the owner's marks,
/// which a new message never has (so an insert leaves them to their default, NULL).
macro_rules! contact_read_columns {
    () => {
        concat!(contact_columns!(), ", handled_at")
    };
}

pub(crate) use {contact_columns, contact_read_columns, project_columns};

/// Rows a release before slugs wrote, oldest first: the ones each start gives a slug.
pub(crate) const PROJECTS_WITHOUT_SLUG: &str =
    r#"SELECT id, title FROM projects WHERE slug IS NULL ORDER BY "createdAt", id"#;
/// Every slug in use.
pub(crate) const PROJECT_SLUGS: &str = "SELECT slug FROM projects WHERE slug IS NOT NULL";

/// The slugs to give rows stored without one (`unnamed`, id and title, oldest first), each
/// its title's, numbered past those `taken` and those given before it: the same answer for
/// the same rows, whichever replica computes it.
pub(crate) fn slugs_for(
    unnamed: Vec<(uuid::Uuid, String)>,
    mut taken: std::collections::HashSet<String>,
) -> Vec<(uuid::Uuid, String)> {
    unnamed
        .into_iter()
        .map(|(id, title)| {
            let slug = folio_core::Slug::first_free(&folio_core::Slug::from_title(&title), |s| taken.contains(s));
            taken.insert(slug.as_str().to_owned());
            (id, slug.into_inner())
        })
        .collect()
}

/// The active projects in the site's order; no placeholders, so one text serves both backends.
pub(crate) const LIST_ACTIVE_PROJECTS: &str = concat!(
    "SELECT ",
    project_columns!(),
    r#" FROM projects WHERE "isActive" ORDER BY "sortOrder" ASC, "createdAt" DESC, id"#
);
/// Every project, hidden ones too, in the order of [`LIST_ACTIVE_PROJECTS`].
pub(crate) const LIST_ALL_PROJECTS: &str =
    concat!("SELECT ", project_columns!(), r#" FROM projects ORDER BY "sortOrder" ASC, "createdAt" DESC, id"#);
