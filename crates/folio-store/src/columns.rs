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

pub(crate) use {contact_columns, project_columns};
