//! The owner's projects: every one listed, drafts (hidden projects) included; create, edit
//! with a preview of the rendered description, show or hide, move up or down, delete after a
//! confirmation. Each action is a plain form answered by a redirect (so a reload never sends
//! it twice) or, when a field is wrong, by the form again with the input kept and each error
//! next to its field, as the site's contact form does.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use folio_core::{FieldErrors, NewProject, Project, ProjectForm, ProjectPatch, Shift, StoreError};
use serde::Deserialize;
use uuid::Uuid;

use crate::AdminState;
use crate::pages::{Button, Done, bad_button, changed, forged, message, notice, page, unavailable};
use crate::session::Owner;
use crate::templates::{ConfirmDelete, EditProject, ProjectErrors, ProjectList, ProjectRow};

/// The create and edit forms: the project's fields, the forgery token, and which button was
/// pressed.
#[derive(Debug, Deserialize)]
pub(crate) struct Submitted {
    #[serde(default)]
    csrf: String,
    /// `preview` shows the form again with the description rendered; anything else saves.
    #[serde(default)]
    action: String,
    #[serde(flatten)]
    fields: ProjectForm,
}

const NOTICES: &[(&str, &str)] = &[
    ("created", "The project was created."),
    ("saved", "Your changes were saved."),
    ("shown", "The project is shown on the site."),
    ("hidden", "The project is hidden: only you see it, here."),
    ("moved", "The order was changed."),
    ("deleted", "The project was deleted."),
];

/// `GET /admin/projects`.
pub(crate) async fn list(State(state): State<AdminState>, owner: Owner, Query(done): Query<Done>) -> Response {
    let projects = match state.projects.list_all().await {
        Ok(projects) => projects,
        Err(error) => return unavailable(&error),
    };
    let last = projects.len().saturating_sub(1);
    let rows = projects
        .iter()
        .enumerate()
        .map(|(place, project)| ProjectRow { project, first: place == 0, last: place == last })
        .collect();
    let notice = notice(NOTICES, done);
    page(StatusCode::OK, &ProjectList { csrf: &owner.session.csrf, rows, notice })
}

/// `GET /admin/projects/new`: an empty form (a new project is shown unless unticked).
pub(crate) async fn new_form(owner: Owner) -> Response {
    let fields = ProjectForm { visible: Some("on".to_owned()), ..ProjectForm::default() };
    form(&owner, None, &fields, &ProjectErrors::default(), None, StatusCode::OK)
}

/// `POST /admin/projects`: creates the project, or shows the preview or the errors.
pub(crate) async fn create(State(state): State<AdminState>, owner: Owner, Form(sent): Form<Submitted>) -> Response {
    if !owner.sent(&sent.csrf) {
        return forged();
    }
    let new = match checked(&owner, None, &sent) {
        Ok(new) => new,
        Err(answer) => return *answer,
    };
    match state.projects.create(new).await {
        Ok(_) => Redirect::to("/admin/projects?done=created").into_response(),
        Err(StoreError::Conflict(why)) => taken(&owner, None, &sent, why),
        Err(error) => unavailable(&error),
    }
}

/// `GET /admin/projects/{id}`: the project's form.
pub(crate) async fn edit_form(State(state): State<AdminState>, owner: Owner, Path(id): Path<String>) -> Response {
    match stored(&state, &id).await {
        Ok(project) => {
            form(&owner, Some(&project), &ProjectForm::of(&project), &ProjectErrors::default(), None, StatusCode::OK)
        }
        Err(answer) => *answer,
    }
}

/// `POST /admin/projects/{id}`: saves every field, or shows the preview or the errors.
pub(crate) async fn save(
    State(state): State<AdminState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    if !owner.sent(&sent.csrf) {
        return forged();
    }
    let project = match stored(&state, &id).await {
        Ok(project) => project,
        Err(answer) => return *answer,
    };
    let new = match checked(&owner, Some(&project), &sent) {
        Ok(new) => new,
        Err(answer) => return *answer,
    };
    let saved = match state.projects.update(project.id, new.into_patch()).await {
        Err(StoreError::Conflict(why)) => return taken(&owner, Some(&project), &sent, why),
        saved => saved.map(|p| p.is_some()),
    };
    changed(saved, "/admin/projects?done=saved", gone)
}

/// `POST /admin/projects/{id}/visibility` with `value` `show` or `hide`.
pub(crate) async fn visibility(
    State(state): State<AdminState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    if !owner.sent(&button.csrf) {
        return forged();
    }
    let (shown, done) = match button.value.as_str() {
        "show" => (true, "shown"),
        "hide" => (false, "hidden"),
        _ => return bad_button(),
    };
    let Some(id) = parse_id(&id) else { return gone() };
    let patch = ProjectPatch { is_active: Some(shown), ..ProjectPatch::default() };
    let updated = state.projects.update(id, patch).await.map(|p| p.is_some());
    changed(updated, &format!("/admin/projects?done={done}"), gone)
}

/// `POST /admin/projects/{id}/move` with `value` `up` or `down`.
pub(crate) async fn shift(
    State(state): State<AdminState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    if !owner.sent(&button.csrf) {
        return forged();
    }
    let shift = match button.value.as_str() {
        "up" => Shift::Up,
        "down" => Shift::Down,
        _ => return bad_button(),
    };
    let Some(id) = parse_id(&id) else { return gone() };
    changed(state.projects.shift(id, shift).await, "/admin/projects?done=moved", gone)
}

/// `GET /admin/projects/{id}/delete`: asks first.
pub(crate) async fn confirm_delete(State(state): State<AdminState>, owner: Owner, Path(id): Path<String>) -> Response {
    match stored(&state, &id).await {
        Ok(project) => page(
            StatusCode::OK,
            &ConfirmDelete {
                csrf: &owner.session.csrf,
                title: "Delete a project",
                name: &project.title,
                consequence: "The project is removed from the site and from the database. This cannot be undone: \
                     to keep it out of sight instead, hide it.",
                action: &format!("/admin/projects/{}/delete", project.id),
                cancel: "/admin/projects",
            },
        ),
        Err(answer) => *answer,
    }
}

/// `POST /admin/projects/{id}/delete`: deletes, once confirmed on the page above.
pub(crate) async fn delete(
    State(state): State<AdminState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    if !owner.sent(&button.csrf) {
        return forged();
    }
    let Some(id) = parse_id(&id) else { return gone() };
    changed(state.projects.delete(id).await, "/admin/projects?done=deleted", gone)
}

/// The form's project, or the answer that stops here: the form again with the errors (400),
/// or with the preview (200).
fn checked(owner: &Owner, project: Option<&Project>, sent: &Submitted) -> Result<NewProject, Box<Response>> {
    let shown = sent.fields.bounded();
    let parsed = sent.fields.parse();
    if sent.action == "preview" {
        let errors = parsed.err().map(|e| ProjectErrors::from(&e)).unwrap_or_default();
        let preview = folio_markdown::to_html(&shown.description);
        return Err(Box::new(form(owner, project, &shown, &errors, Some(&preview), StatusCode::OK)));
    }
    parsed.map_err(|errors| {
        Box::new(form(owner, project, &shown, &ProjectErrors::from(&errors), None, StatusCode::BAD_REQUEST))
    })
}

/// The form again (409) with the address another project has marked next to its field.
fn taken(owner: &Owner, project: Option<&Project>, sent: &Submitted, why: String) -> Response {
    let errors = ProjectErrors::from(&FieldErrors::from(vec![why]));
    form(owner, project, &sent.fields.bounded(), &errors, None, StatusCode::CONFLICT)
}

fn form(
    owner: &Owner,
    project: Option<&Project>,
    fields: &ProjectForm,
    errors: &ProjectErrors,
    preview: Option<&str>,
    status: StatusCode,
) -> Response {
    let action = project.map_or_else(|| "/admin/projects".to_owned(), |p| format!("/admin/projects/{}", p.id));
    page(status, &EditProject { csrf: &owner.session.csrf, project, action: &action, fields, errors, preview })
}

/// The stored project a path names, or the page that says there is none (or that the database
/// cannot be reached).
async fn stored(state: &AdminState, id: &str) -> Result<Project, Box<Response>> {
    let Some(id) = parse_id(id) else { return Err(Box::new(gone())) };
    match state.projects.get(id).await {
        Ok(Some(project)) => Ok(project),
        Ok(None) => Err(Box::new(gone())),
        Err(error) => Err(Box::new(unavailable(&error))),
    }
}

fn parse_id(id: &str) -> Option<Uuid> {
    Uuid::try_parse(id).ok()
}

fn gone() -> Response {
    message(StatusCode::NOT_FOUND, "No such project", "This project does not exist (it may have been deleted).")
}

impl From<&FieldErrors> for ProjectErrors {
    /// Each message names its field first; the rest of the fields' names are the form's.
    fn from(errors: &FieldErrors) -> Self {
        let mut fields = ProjectErrors::default();
        for text in errors.messages() {
            let field = text.split([' ', ':']).next().unwrap_or_default();
            let slot = match field {
                "title" => &mut fields.title,
                "slug" => &mut fields.slug,
                "description" => &mut fields.description,
                "imageUrl" => &mut fields.image_url,
                "projectUrl" => &mut fields.project_url,
                "githubUrl" => &mut fields.github_url,
                "technologies" => &mut fields.technologies,
                "sortOrder" => &mut fields.sort_order,
                _ => continue,
            };
            slot.get_or_insert_with(|| labelled(text, field));
        }
        fields
    }
}

/// "projectUrl must be an absolute http or https URL" → "Web address must be an absolute
/// http or https URL.": the field's label, as the owner sees it beside the field.
fn labelled(text: &str, field: &str) -> String {
    let label = LABELS.iter().find(|(name, _)| *name == field).map_or(field, |(_, label)| label);
    format!("{label}{}.", &text[field.len()..])
}

/// The form's labels for the API's field names.
const LABELS: &[(&str, &str)] = &[
    ("title", "Title"),
    ("slug", "Address"),
    ("description", "Description"),
    ("imageUrl", "Image address"),
    ("projectUrl", "Web address"),
    ("githubUrl", "Source address"),
    ("technologies", "Technologies"),
    ("sortOrder", "Order"),
];
