//! `/api/projects`: list and read are public; create, update and delete need the admin token.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use folio_core::Project;
use uuid::Uuid;

use super::parse_id;
use crate::auth::RequireAdmin;
use crate::body::JsonBody;
use crate::error::Body as ErrorBody;
use crate::error::responses::{AdminRefusals, BodyRefusals, StorageFull, Unavailable};
use crate::input::project::{new_project, project_patch};
use crate::openapi::{ProjectInputBody, ProjectPatchBody};
use crate::{ApiError, ApiState};

#[utoipa::path(get, path = "/api/projects", tag = "projects", params(ListQuery), responses(
    (status = 200, description = "Active projects (with `include=hidden`, hidden ones too), by sortOrder, then newest first", body = [Project]),
    (status = 400, description = "include is not `hidden`", body = ErrorBody),
    AdminRefusals,
    Unavailable,
))]
pub async fn list(
    State(state): State<ApiState>,
    query: Result<Query<ListQuery>, QueryRejection>,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    let include = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))?.0.include;
    match include {
        None => {
            let list = state.projects.list_active().await?;
            let json = state
                .list_json
                .get(&list, |projects| Bytes::from(serde_json::to_vec(projects).expect("projects always serialise")));
            Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], json).into_response())
        }
        // Drafts are the owner's: the token is checked (and counted) only when they are asked for.
        Some(Include::Hidden) => {
            RequireAdmin::from_request_parts(&mut parts, &state).await?;
            Ok(Json(state.projects.list_all().await?).into_response())
        }
    }
}

/// The query of `GET /api/projects`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `hidden`: hidden projects (drafts) too; needs the admin token (401 without it)
    #[param(inline)]
    include: Option<Include>,
}

// A closed set, so the schema says it and any other value (an empty one too) is refused with
// 400 before anything runs.
/// What `GET /api/projects` lists besides the active projects.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Include {
    /// Hidden projects (drafts) too.
    Hidden,
}

#[utoipa::path(get, path = "/api/projects/{id}", tag = "projects",
    params(ProjectId),
    responses(
        (status = 200, description = "The project, active or not", body = Project),
        (status = 400, description = "id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        Unavailable,
))]
pub async fn get(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Project>, ApiError> {
    let id = parse_id(id)?;
    state.projects.get(id).await?.map(Json).ok_or_else(|| missing(id))
}

#[utoipa::path(post, path = "/api/projects", tag = "projects", security(("bearer" = [])),
    request_body(content = ProjectInputBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Project, headers(("Location" = String, description = "The new project's URL"))),
        (status = 400, description = "Malformed JSON or invalid fields (each named)", body = ErrorBody),
        (status = 409, description = "The slug given is another project's, or the image named is not stored", body = ErrorBody),
        AdminRefusals, BodyRefusals, Unavailable, StorageFull,
))]
pub async fn create(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let new = new_project(&body).map_err(ApiError::validation)?;
    let project = state.projects.create(new).await?;
    let location =
        HeaderValue::from_str(&format!("/api/projects/{}", project.id)).expect("a UUID path is a valid header");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(project)).into_response())
}

#[utoipa::path(put, path = "/api/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(ProjectId),
    request_body(content = ProjectPatchBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated", body = Project),
        (status = 400, description = "Malformed JSON, invalid fields, or id not a UUID", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "The slug given is another project's, or the image named is not stored", body = ErrorBody),
        AdminRefusals, BodyRefusals, Unavailable, StorageFull,
))]
pub async fn update(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    id: Result<Path<String>, PathRejection>,
    JsonBody(body): JsonBody,
) -> Result<Json<Project>, ApiError> {
    let id = parse_id(id)?;
    let patch = project_patch(&body).map_err(ApiError::validation)?;
    state.projects.update(id, patch).await?.map(Json).ok_or_else(|| missing(id))
}

#[utoipa::path(delete, path = "/api/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(ProjectId),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        AdminRefusals, Unavailable,
))]
pub async fn delete(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(id)?;
    if state.projects.delete(id).await? { Ok(StatusCode::NO_CONTENT) } else { Err(missing(id)) }
}

/// The `{id}` path parameter, as the OpenAPI document describes it: exactly what [`parse_id`]
/// accepts.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Read by the OpenAPI derive only.
struct ProjectId {
    /// The project's id (a hyphenated UUID)
    #[param(format = Uuid, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    id: String,
}

fn missing(id: Uuid) -> ApiError {
    ApiError::not_found(format!("Project with ID {id} not found"))
}
