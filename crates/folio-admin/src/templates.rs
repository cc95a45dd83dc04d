//! The admin's templates (`templates/`), checked at compile time and escaping by default.

use askama::Template;

/// The sign-in form.
#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct Login<'a> {
    /// What went wrong with the last attempt, shown next to the field.
    pub(crate) error: Option<&'a str>,
    /// A notice above the form (after signing out).
    pub(crate) notice: Option<&'a str>,
}

/// The admin's first page.
#[derive(Template)]
#[template(path = "dashboard.html")]
pub(crate) struct Dashboard<'a> {
    pub(crate) csrf: &'a str,
    pub(crate) idle_minutes: u64,
    pub(crate) absolute_hours: u64,
}

/// A page that only says something (refusals, errors).
#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct Message<'a> {
    pub(crate) title: &'a str,
    pub(crate) text: &'a str,
}
