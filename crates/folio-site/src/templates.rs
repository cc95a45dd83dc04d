//! The pages' templates (`templates/`), checked at compile time and escaping by default.

use askama::Template;
use folio_core::domain::site_content::{self as content, Competency, Owner};
use folio_core::{ContactForm, Project};

use crate::layout::Layout;

#[derive(Template)]
#[template(path = "home.html")]
pub struct Home<'a> {
    pub layout: Layout<'a>,
    pub owner: &'a Owner,
    pub competencies: &'a [Competency],
    pub home: &'a content::Home,
}

#[derive(Template)]
#[template(path = "about.html")]
pub struct About<'a> {
    pub layout: Layout<'a>,
    pub owner: &'a Owner,
    pub about: &'a content::About,
    /// Rendered from the owner's Markdown with raw HTML escaped, so it is inserted as is.
    pub biography: &'a str,
}

#[derive(Template)]
#[template(path = "projects.html")]
pub struct Projects<'a> {
    pub layout: Layout<'a>,
    /// `None` when the API cannot be reached and nothing is cached.
    pub projects: Option<Vec<Card<'a>>>,
}

/// A project on the list: its description as one line of plain text.
pub struct Card<'a> {
    pub project: &'a Project,
    pub excerpt: String,
    /// Among the first cards, which a screen shows before any scrolling: its image is fetched
    /// at once rather than lazily.
    pub eager: bool,
}

#[derive(Template)]
#[template(path = "project.html")]
pub struct ProjectDetail<'a> {
    pub layout: Layout<'a>,
    pub project: &'a Project,
    /// Rendered from the description's Markdown and sanitised, so it is inserted as is.
    pub description: String,
}

/// The message for each contact field that was refused.
#[derive(Debug, Default)]
pub struct FieldMessages {
    pub name: Option<String>,
    pub email: Option<String>,
    pub subject: Option<String>,
    pub message: Option<String>,
}

#[derive(Template)]
#[template(path = "contact.html")]
pub struct Contact<'a> {
    pub layout: Layout<'a>,
    pub owner: &'a Owner,
    pub form: &'a ContactForm,
    pub errors: FieldMessages,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "thanks.html")]
pub struct Thanks<'a> {
    pub layout: Layout<'a>,
    pub message: &'a str,
}

#[derive(Template)]
#[template(path = "not_found.html")]
pub struct NotFound<'a> {
    pub layout: Layout<'a>,
    pub path: &'a str,
}

/// The stand-alone page for CloudFront's custom error responses: no links to assets, so it
/// works from any origin (or an S3 bucket) while the site is down.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage;
