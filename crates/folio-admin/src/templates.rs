//! The admin's templates (`templates/`), checked at compile time and escaping by default.

use askama::Template;
use folio_core::domain::site_form::FormProblem;
use folio_core::{ContactMessage, Project, ProjectForm, SiteForm};

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

/// One row of the project list, with whether it can move up or down.
pub(crate) struct ProjectRow<'a> {
    pub(crate) project: &'a Project,
    pub(crate) first: bool,
    pub(crate) last: bool,
}

/// Every project, drafts included.
#[derive(Template)]
#[template(path = "projects.html")]
pub(crate) struct ProjectList<'a> {
    pub(crate) csrf: &'a str,
    pub(crate) rows: Vec<ProjectRow<'a>>,
    pub(crate) notice: Option<&'a str>,
}

/// The error next to each field of the project form, if any.
#[derive(Debug, Default)]
pub(crate) struct ProjectErrors {
    pub(crate) title: Option<String>,
    pub(crate) slug: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) image_url: Option<String>,
    /// The photo: refused by the processing, not an image, or no longer stored.
    pub(crate) photo: Option<String>,
    pub(crate) image_alt: Option<String>,
    pub(crate) project_url: Option<String>,
    pub(crate) github_url: Option<String>,
    pub(crate) technologies: Option<String>,
    pub(crate) sort_order: Option<String>,
}

impl ProjectErrors {
    /// Whether any field is in error (the page then says so above the form).
    pub(crate) fn any(&self) -> bool {
        let fields = [
            &self.title,
            &self.slug,
            &self.description,
            &self.image_url,
            &self.photo,
            &self.image_alt,
            &self.project_url,
            &self.github_url,
            &self.technologies,
            &self.sort_order,
        ];
        fields.iter().any(|error| error.is_some())
    }
}

/// The form that creates a project (`project` is `None`) or edits one.
#[derive(Template)]
#[template(path = "project_form.html")]
pub(crate) struct EditProject<'a> {
    pub(crate) csrf: &'a str,
    pub(crate) project: Option<&'a Project>,
    pub(crate) action: &'a str,
    pub(crate) fields: &'a ProjectForm,
    pub(crate) errors: &'a ProjectErrors,
    /// The description rendered (safe HTML from the site's renderer), when asked for.
    pub(crate) preview: Option<&'a str>,
    /// The address of a small copy of the photo the form holds, to show it.
    pub(crate) photo: Option<String>,
}

/// The question before something is deleted: a project, a message.
#[derive(Template)]
#[template(path = "confirm_delete.html")]
pub(crate) struct ConfirmDelete<'a> {
    pub(crate) csrf: &'a str,
    /// The page's title ("Delete a project").
    pub(crate) title: &'a str,
    /// What is deleted, as the owner knows it (its title, its subject).
    pub(crate) name: &'a str,
    /// What deleting it does.
    pub(crate) consequence: &'a str,
    /// Where the confirmation posts, and where "Cancel" leads.
    pub(crate) action: &'a str,
    pub(crate) cancel: &'a str,
}

/// One message of the inbox, with what the page says about its notification.
pub(crate) struct InboxRow<'a> {
    pub(crate) message: &'a ContactMessage,
    /// When it arrived, for people (`2026-12-02 06:50 UTC`).
    pub(crate) received: String,
    /// Its notification's state, in a sentence.
    pub(crate) notification: String,
    /// Whether "Send the notification again" applies (a mail server, and not sent yet).
    pub(crate) retry: bool,
}

/// The contact messages.
#[derive(Template)]
#[template(path = "inbox.html")]
pub(crate) struct Inbox<'a> {
    pub(crate) csrf: &'a str,
    pub(crate) rows: Vec<InboxRow<'a>>,
    pub(crate) unread: usize,
    /// Whether messages are e-mailed to the owner.
    pub(crate) emails: bool,
    pub(crate) notice: Option<&'a str>,
}

/// The messages next to the site content form's fields, by field name.
#[derive(Debug, Default)]
pub(crate) struct SiteErrors(Vec<FormProblem>);

impl From<&[FormProblem]> for SiteErrors {
    fn from(problems: &[FormProblem]) -> Self {
        Self(problems.to_vec())
    }
}

impl SiteErrors {
    /// Whether any field is in error (the page then says so above the form).
    pub(crate) fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// Every message for `field`, one sentence after another; `None` when it is fine.
    pub(crate) fn of(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self.0.iter().filter(|p| p.field == field).map(|p| p.message.as_str()).collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }
}

/// The site content's form.
#[derive(Template)]
#[template(path = "site_form.html")]
pub(crate) struct EditSite<'a> {
    pub(crate) csrf: &'a str,
    pub(crate) fields: &'a SiteForm,
    pub(crate) errors: &'a SiteErrors,
    /// The biography rendered (safe HTML from the site's renderer), when asked for.
    pub(crate) preview: Option<&'a str>,
    pub(crate) notice: Option<&'a str>,
}
