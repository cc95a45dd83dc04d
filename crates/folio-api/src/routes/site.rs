//! `/api/site`: the owner's site content. Reading is public (it is what every page shows);
//! replacing it needs the admin token.

use axum::Json;
use axum::extract::State;
use folio_core::domain::site_content::{StepPath, Unreadable};
use folio_core::{FieldErrors, SiteContent, SiteContentError};

use crate::auth::RequireAdmin;
use crate::body::JsonBody;
use crate::error::Body as ErrorBody;
use crate::error::responses::{AdminRefusals, BodyRefusals, StorageFull, Unavailable};
use crate::openapi::SiteContentBody;
use crate::{ApiError, ApiState};

#[utoipa::path(get, path = "/api/site", tag = "site", operation_id = "get_site", responses(
    (status = 200, description = "The owner's site content", body = SiteContent),
    (status = 404, description = "No content is stored yet (only before the first start finished)", body = ErrorBody),
    Unavailable,
))]
pub async fn get(State(state): State<ApiState>) -> Result<Json<SiteContent>, ApiError> {
    match state.site.get().await? {
        Some(content) => Ok(Json(content)),
        None => Err(ApiError::not_found("no site content is stored yet")),
    }
}

#[utoipa::path(put, path = "/api/site", tag = "site", operation_id = "put_site", security(("bearer" = [])),
    request_body(content = SiteContentBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored; the whole document replaces the one before", body = SiteContent),
        (status = 400, description = "Malformed JSON, or fields that are missing, unknown or invalid (each named by its path, e.g. `links[1].url`)", body = ErrorBody),
        AdminRefusals, BodyRefusals, Unavailable, StorageFull,
))]
pub async fn put(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    JsonBody(body): JsonBody,
) -> Result<Json<SiteContent>, ApiError> {
    let content = SiteContent::read(body).map_err(|unreadable| {
        ApiError::validation(FieldErrors::from(match unreadable {
            Unreadable::Shape { path, error } if path.is_empty() => vec![format!("request body: {error}")],
            Unreadable::Shape { path, error } => vec![format!("{}: {error}", StepPath(&path))],
            Unreadable::Unknown(problems) => problems.iter().map(ToString::to_string).collect(),
        }))
    })?;
    match state.site.put(content).await {
        Ok(stored) => Ok(Json(stored)),
        Err(SiteContentError::Invalid(problems)) => {
            Err(ApiError::validation(FieldErrors::from(problems.iter().map(ToString::to_string).collect::<Vec<_>>())))
        }
        Err(SiteContentError::Store(error)) => Err(error.into()),
    }
}
