//! The owner's site content (`/admin/site`): every text the pages show of them in one form,
//! lists as lines of text, saved whole. A field in error is shown next to it with everything
//! typed kept (nothing is stored); "Preview the biography" renders the Markdown as the about
//! page will, without saving.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use folio_core::domain::site_form::FormProblem;
use folio_core::{SiteContentError, SiteForm};
use serde::Deserialize;

use crate::AdminState;
use crate::pages::{Done, forged, message, notice, page, unavailable};
use crate::session::Owner;
use crate::templates::{EditSite, SiteErrors};

/// The form: the content's fields, the forgery token, and which button was pressed.
#[derive(Debug, Deserialize)]
pub(crate) struct Submitted {
    #[serde(default)]
    csrf: String,
    /// `preview` shows the form again with the biography rendered; anything else saves.
    #[serde(default)]
    action: String,
    #[serde(flatten)]
    fields: SiteForm,
}

const NOTICES: &[(&str, &str)] = &[("saved", "Your changes were saved: the site shows them now.")];

/// `GET /admin/site`.
pub(crate) async fn edit_form(State(state): State<AdminState>, owner: Owner, Query(done): Query<Done>) -> Response {
    match state.site.get().await {
        Ok(Some(content)) => {
            let fields = SiteForm::of(&content);
            form(&owner, &fields, &SiteErrors::default(), None, notice(NOTICES, done), StatusCode::OK)
        }
        Ok(None) => message(
            StatusCode::SERVICE_UNAVAILABLE,
            "No content yet",
            "The site content is not stored yet: try again in a moment.",
        ),
        Err(error) => unavailable(&error),
    }
}

/// `POST /admin/site`: saves the whole content, or shows the preview or the errors.
pub(crate) async fn save(State(state): State<AdminState>, owner: Owner, Form(sent): Form<Submitted>) -> Response {
    if !owner.sent(&sent.csrf) {
        return forged();
    }
    let parsed = sent.fields.parse();
    if sent.action == "preview" {
        let errors = parsed.err().map(|p| SiteErrors::from(p.as_slice())).unwrap_or_default();
        let preview = folio_markdown::to_html(&sent.fields.biography);
        return form(&owner, &sent.fields, &errors, Some(&preview), None, StatusCode::OK);
    }
    let content = match parsed {
        Ok(content) => content,
        Err(problems) => {
            return form(
                &owner,
                &sent.fields,
                &SiteErrors::from(problems.as_slice()),
                None,
                None,
                StatusCode::BAD_REQUEST,
            );
        }
    };
    match state.site.put(content).await {
        Ok(_) => Redirect::to("/admin/site?done=saved").into_response(),
        // The form checked what the service checks; placed the same way should they ever differ.
        Err(SiteContentError::Invalid(problems)) => {
            let problems: Vec<FormProblem> = problems.iter().map(SiteForm::place).collect();
            form(&owner, &sent.fields, &SiteErrors::from(problems.as_slice()), None, None, StatusCode::BAD_REQUEST)
        }
        Err(SiteContentError::Store(error)) => unavailable(&error),
    }
}

fn form(
    owner: &Owner,
    fields: &SiteForm,
    errors: &SiteErrors,
    preview: Option<&str>,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    page(status, &EditSite { csrf: &owner.session.csrf, fields, errors, preview, notice })
}
