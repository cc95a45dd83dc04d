//! The column lists both backends select and insert, in one order: the two schemas use the same
//! names, so each backend's SQL (which differs only in placeholders and types) starts here.

/// The columns of `projects`, in the order rows are read and written.
macro_rules! project_columns {
    () => {
        r#"id, title, description, "imageUrl", "projectUrl", "githubUrl", technologies, "isActive", "sortOrder", "createdAt", "updatedAt""#
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

/// The active projects in the site's order; no placeholders, so one text serves both backends.
pub(crate) const LIST_ACTIVE_PROJECTS: &str = concat!(
    "SELECT ",
    project_columns!(),
    r#" FROM projects WHERE "isActive" ORDER BY "sortOrder" ASC, "createdAt" DESC, id"#
);
/// Every project, hidden ones too, in the order of [`LIST_ACTIVE_PROJECTS`].
pub(crate) const LIST_ALL_PROJECTS: &str =
    concat!("SELECT ", project_columns!(), r#" FROM projects ORDER BY "sortOrder" ASC, "createdAt" DESC, id"#);
