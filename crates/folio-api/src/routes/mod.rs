//! One module per resource, plus the answers for unknown paths and methods.

pub mod contact;
pub mod health;
pub mod media;
pub mod metrics;
pub mod projects;
pub mod site;

use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::ApiError;

/// 404 for paths under `/api` that do not exist, worded as the earlier platform did.
pub async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("Cannot {method} {}", uri.path()))
}

/// 405 for a known path with a method it does not serve, with the API's JSON error body (the
/// router adds the `Allow` header afterwards).
pub async fn method_not_allowed(response: Response) -> Response {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let message = "This method is not allowed here; the Allow header lists the methods this path serves";
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message).into_response()
}

/// Ids are hyphenated UUIDs; anything else is a 400 that says so.
pub(crate) fn parse_id(path: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let invalid =
        |shown: &str| ApiError::new(StatusCode::BAD_REQUEST, "validation", format!("id must be a UUID, got {shown:?}"));
    let Path(text) = path.map_err(|_| invalid("an undecodable path segment"))?;
    let shown: String = text.chars().take(64).collect();
    if text.len() != 36 {
        return Err(invalid(&shown));
    }
    Uuid::try_parse(&text).map_err(|_| invalid(&shown))
}
