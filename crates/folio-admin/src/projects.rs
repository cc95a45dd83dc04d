//! The owner's projects: every one listed, drafts (hidden projects) included; create, edit
//! with a preview of the rendered description, show or hide, move up or down, delete after a
//! confirmation. Each action is a plain form answered by a redirect (so a reload never sends
//! it twice) or, when a field is wrong, by the form again with the input kept and each error
//! next to its field, as the site's contact form does.

use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use folio_core::{
    FieldErrors, FileName, MediaError, NewProject, Project, ProjectForm, ProjectPatch, Shift, StoreError,
};
use uuid::Uuid;

use crate::AdminState;
use crate::pages::{Button, Done, bad_button, changed, forged, message, notice, page, unavailable};
use crate::session::Owner;
use crate::templates::{ConfirmDelete, EditProject, ProjectErrors, ProjectList, ProjectRow};
use crate::upload::{self, Photo, Submitted};

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
pub(crate) async fn new_form(State(state): State<AdminState>, owner: Owner) -> Response {
    let fields = ProjectForm { visible: Some("on".to_owned()), ..ProjectForm::default() };
    form(&state, &owner, None, &fields, &ProjectErrors::default(), None, StatusCode::OK).await
}

/// `POST /admin/projects`: creates the project, or shows the preview or the errors.
pub(crate) async fn create(State(state): State<AdminState>, owner: Owner, request: Request) -> Response {
    let sent = match upload::read(request).await {
        Ok(sent) => sent,
        Err(answer) => return answer,
    };
    if !owner.sent(&sent.csrf) {
        return forged();
    }
    let (new, sent) = match prepared(&state, &owner, None, sent).await {
        Ok(prepared) => prepared,
        Err(answer) => return *answer,
    };
    match state.projects.create(new).await {
        Ok(_) => Redirect::to("/admin/projects?done=created").into_response(),
        Err(StoreError::Conflict(why) | StoreError::Refused(why)) => taken(&state, &owner, None, &sent, why).await,
        Err(error) => unavailable(&error),
    }
}

/// `GET /admin/projects/{id}`: the project's form.
pub(crate) async fn edit_form(State(state): State<AdminState>, owner: Owner, Path(id): Path<String>) -> Response {
    match stored(&state, &id).await {
        Ok(project) => {
            let fields = ProjectForm::of(&project);
            form(&state, &owner, Some(&project), &fields, &ProjectErrors::default(), None, StatusCode::OK).await
        }
        Err(answer) => *answer,
    }
}

/// `POST /admin/projects/{id}`: saves every field, or shows the preview or the errors. A photo
/// replaced or removed is deleted once the project no longer shows it (unless another
/// project does).
pub(crate) async fn save(
    State(state): State<AdminState>,
    owner: Owner,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let sent = match upload::read(request).await {
        Ok(sent) => sent,
        Err(answer) => return answer,
    };
    if !owner.sent(&sent.csrf) {
        return forged();
    }
    let project = match stored(&state, &id).await {
        Ok(project) => project,
        Err(answer) => return *answer,
    };
    let (new, sent) = match prepared(&state, &owner, Some(&project), sent).await {
        Ok(prepared) => prepared,
        Err(answer) => return *answer,
    };
    let shown = new.image.as_ref().map(|choice| choice.id);
    let saved = match state.projects.update(project.id, new.into_patch()).await {
        Err(StoreError::Conflict(why) | StoreError::Refused(why)) => {
            return taken(&state, &owner, Some(&project), &sent, why).await;
        }
        saved => saved.map(|p| p.is_some()),
    };
    if let Some(before) = project.image.as_ref().map(|image| image.id).filter(|before| Some(*before) != shown)
        && matches!(saved, Ok(true))
    {
        forget(&state, before).await;
    }
    changed(saved, "/admin/projects?done=saved", gone)
}

/// Deletes a photo no longer shown by the project that had it (replaced, removed, or the
/// project deleted); one another project shows is
/// kept (the store refuses), and a failure only leaves an unused image behind.
async fn forget(state: &AdminState, id: Uuid) {
    match state.media.delete(id).await {
        Ok(_) | Err(StoreError::Refused(_)) => {}
        Err(error) => tracing::warn!(error = %error.chain(), "admin: a replaced photo was not deleted"),
    }
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
                consequence: "The project is removed from the site and from the database, with its photo. This \
                     cannot be undone: to keep it out of sight instead, hide it.",
                action: &format!("/admin/projects/{}/delete", project.id),
                cancel: "/admin/projects",
            },
        ),
        Err(answer) => *answer,
    }
}

/// `POST /admin/projects/{id}/delete`: deletes, once confirmed on the page above, with its
/// photo (unless another project shows it).
pub(crate) async fn delete(
    State(state): State<AdminState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    if !owner.sent(&button.csrf) {
        return forged();
    }
    let project = match stored(&state, &id).await {
        Ok(project) => project,
        Err(answer) => return *answer,
    };
    let deleted = state.projects.delete(project.id).await;
    if let (Ok(true), Some(image)) = (&deleted, &project.image) {
        forget(&state, image.id).await;
    }
    changed(deleted, "/admin/projects?done=deleted", gone)
}

/// The form's project, with its photo processed and stored first when one was chosen (so a
/// preview or a mistake elsewhere never asks for it again: the form carries its id), or the
/// answer that stops here: the form again with the errors (400), or with the preview (200).
async fn prepared(
    state: &AdminState,
    owner: &Owner,
    project: Option<&Project>,
    mut sent: Submitted,
) -> Result<(NewProject, Submitted), Box<Response>> {
    let mut photo_problem = None;
    match sent.photo.take() {
        Some(Photo::Image(kind, bytes)) => match state.media.upload(kind, bytes).await {
            Ok(media) => sent.fields.image_id = media.id.to_string(),
            Err(MediaError::Refused(why)) => photo_problem = Some(upload::refused(&why)),
            Err(MediaError::Store(error)) => return Err(Box::new(unavailable(&error))),
        },
        Some(refused) => photo_problem = refused.problem(),
        None if sent.remove_image => sent.fields.image_id.clear(),
        None => {}
    }
    let shown = sent.fields.bounded();
    let parsed = sent.fields.parse();
    let mut errors = parsed.as_ref().err().map(ProjectErrors::from).unwrap_or_default();
    if photo_problem.is_some() {
        errors.photo = photo_problem;
    }
    if sent.action == "preview" {
        let preview = folio_markdown::to_html(&shown.description);
        let answer = form(state, owner, project, &shown, &errors, Some(&preview), StatusCode::OK).await;
        return Err(Box::new(answer));
    }
    match parsed {
        Ok(new) if !errors.any() => Ok((new, sent)),
        _ => Err(Box::new(form(state, owner, project, &shown, &errors, None, StatusCode::BAD_REQUEST).await)),
    }
}

/// The form again (409) with the reason the store gave (an address another project has, a
/// photo no longer stored) marked next to its field.
async fn taken(
    state: &AdminState,
    owner: &Owner,
    project: Option<&Project>,
    sent: &Submitted,
    why: String,
) -> Response {
    let mut errors = ProjectErrors::from(&FieldErrors::from(vec![why.clone()]));
    if why.starts_with("image") {
        errors.photo = Some("The photo is no longer stored: choose it again.".to_owned());
    }
    form(state, owner, project, &sent.fields.bounded(), &errors, None, StatusCode::CONFLICT).await
}

async fn form(
    state: &AdminState,
    owner: &Owner,
    project: Option<&Project>,
    fields: &ProjectForm,
    errors: &ProjectErrors,
    preview: Option<&str>,
    status: StatusCode,
) -> Response {
    let action = project.map_or_else(|| "/admin/projects".to_owned(), |p| format!("/admin/projects/{}", p.id));
    let photo = thumbnail(state, project, &fields.image_id).await;
    let page_of = EditProject { csrf: &owner.session.csrf, project, action: &action, fields, errors, preview, photo };
    page(status, &page_of)
}

/// The address of the smallest file of the photo the form holds (`image_id`), to show it in
/// the form: the stored project's own without a read, any other (just uploaded) looked up.
async fn thumbnail(state: &AdminState, project: Option<&Project>, image_id: &str) -> Option<String> {
    let id = Uuid::try_parse(image_id.trim()).ok()?;
    if let Some(image) = project.and_then(|p| p.image.as_ref()).filter(|image| image.id == id) {
        return image.variants().into_iter().next().map(|(url, _)| url);
    }
    let media = state.media.get(id).await.ok()??;
    media.files.iter().find(|f| matches!(f.name, FileName::Webp(_))).map(|f| media.url(f.name))
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
                "imageAlt" => &mut fields.image_alt,
                "imageId" | "image" | "image.id" => &mut fields.photo,
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
    ("imageAlt", "Alt text"),
    ("imageId", "Photo"),
    ("projectUrl", "Web address"),
    ("githubUrl", "Source address"),
    ("technologies", "Technologies"),
    ("sortOrder", "Order"),
];
