//! `/api/projects`: list and read are public; create, update and delete need the admin token.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use folio_domain::{NewProject, Project, ProjectPatch};
use uuid::Uuid;

use crate::auth::RequireAdmin;
use crate::body::JsonBody;
use crate::{ApiError, ApiState};

pub async fn list(State(state): State<ApiState>) -> Result<Json<Vec<Project>>, ApiError> {
    Ok(Json(state.store.list_active_projects().await?))
}

pub async fn get(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Project>, ApiError> {
    let id = parse_id(id)?;
    state.store.get_project(id).await?.map(Json).ok_or_else(|| missing(id))
}

pub async fn create(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let new = NewProject::from_json(&body).map_err(ApiError::validation)?;
    let project = state.store.create_project(new).await?;
    state.projects_changed();
    tracing::info!(id = %project.id, "project created");
    let location =
        HeaderValue::from_str(&format!("/api/projects/{}", project.id)).expect("a UUID path is a valid header");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(project)).into_response())
}

pub async fn update(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    id: Result<Path<String>, PathRejection>,
    JsonBody(body): JsonBody,
) -> Result<Json<Project>, ApiError> {
    let id = parse_id(id)?;
    let patch = ProjectPatch::from_json(&body).map_err(ApiError::validation)?;
    let updated = state.store.update_project(id, patch).await?.ok_or_else(|| missing(id))?;
    state.projects_changed();
    tracing::info!(%id, "project updated");
    Ok(Json(updated))
}

pub async fn delete(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(id)?;
    if state.store.delete_project(id).await? {
        state.projects_changed();
        tracing::info!(%id, "project deleted");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(missing(id))
    }
}

/// Ids are hyphenated UUIDs; anything else is a 400 that says so.
fn parse_id(path: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let invalid =
        |shown: &str| ApiError::new(StatusCode::BAD_REQUEST, "validation", format!("id must be a UUID, got {shown:?}"));
    let Path(text) = path.map_err(|_| invalid("an undecodable path segment"))?;
    let shown: String = text.chars().take(64).collect();
    if text.len() != 36 {
        return Err(invalid(&shown));
    }
    Uuid::try_parse(&text).map_err(|_| invalid(&shown))
}

fn missing(id: Uuid) -> ApiError {
    ApiError::not_found(format!("Project with ID {id} not found"))
}
