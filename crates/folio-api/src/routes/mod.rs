//! One module per resource, plus the answers for unknown paths and methods.

pub mod contact;
pub mod health;
pub mod projects;

use axum::extract::OriginalUri;
use axum::http::{Method, StatusCode};

use crate::ApiError;

/// 404 for paths under `/api` that do not exist, worded as the earlier platform did.
pub async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("Cannot {method} {}", uri.path()))
}

/// 405 for a known path with a method it does not serve.
pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("Method {method} is not allowed on {}", uri.path()),
    )
}
