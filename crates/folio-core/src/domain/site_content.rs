//! Everything personal the site shows: who the owner is, what they do, their links and their
//! biography. One document, stored in the database and edited from the admin or `PUT /api/site`;
//! the first start seeds it from the owner's content files (or the demo).
//!
//! The document is read leniently (a field a newer release added is skipped, so a rolling update
//! never stops an older task from reading it); what is written is checked by
//! [`SiteContent::problems`], and the edges that read a document from outside (the API, the
//! content files) refuse unknown fields themselves, by path.

mod check;
mod read;

use serde::{Deserialize, Serialize};

pub use check::{LANGUAGE, Problem, Step, StepPath};
pub use read::Unreadable;

/// At most this many characters in a one-line text (a name, a label, a title).
pub const LINE_MAX_CHARS: usize = 200;
/// At most this many characters in a paragraph (a description, the introduction).
pub const TEXT_MAX_CHARS: usize = 2_000;
/// At most this many characters of biography (Markdown).
pub const BIOGRAPHY_MAX_CHARS: usize = 20_000;
/// At most this many entries in each list (links, competencies, expertise areas, principles,
/// the items of one area).
pub const LIST_MAX_ITEMS: usize = 30;

/// The owner's site, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SiteContent {
    pub site: SiteInfo,
    pub owner: Owner,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub competencies: Vec<Competency>,
    pub home: Home,
    pub about: About,
}

/// The site's own name and description, and the language of its pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    /// Appended to every page's title.
    pub title: String,
    /// What search engines show, where a page has no description of its own.
    pub description: String,
    #[serde(default = "english")]
    pub language: String,
}

/// Who the site is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Owner {
    pub name: String,
    pub headline: String,
    pub intro: String,
    pub location: String,
    /// The contact address, shown on every page.
    pub email: String,
}

/// A link in every page's footer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// What the owner does, on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Competency {
    pub title: String,
    pub description: String,
}

/// The home page's call to action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Home {
    // The content files spell these in snake case, as TOML does.
    #[serde(alias = "cta_title")]
    pub cta_title: String,
    #[serde(alias = "cta_text")]
    pub cta_text: String,
    #[serde(alias = "cta_label")]
    pub cta_label: String,
}

/// The about page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct About {
    /// Markdown, rendered safely on the page (no raw HTML reaches it).
    #[serde(default)]
    pub biography: String,
    #[serde(default)]
    pub expertise: Vec<Expertise>,
    #[serde(default)]
    pub approach: Vec<Principle>,
}

/// One area of expertise and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Expertise {
    pub area: String,
    pub items: Vec<String>,
}

/// One principle of how the owner works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Principle {
    pub title: String,
    pub text: String,
}

fn english() -> String {
    LANGUAGE.to_owned()
}

impl SiteContent {
    /// Everything that stops this document from being shown, each with where it is, in the
    /// document's order; empty when it can be stored.
    pub fn problems(&self) -> Vec<Problem> {
        check::problems(self)
    }
}
