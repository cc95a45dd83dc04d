//! API errors, in the earlier platform's shape: `{statusCode, error, message}`.
//!
//! Client errors say exactly what is wrong. Internal errors give the client a generic message
//! and the log the whole cause chain.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use folio_domain::FieldErrors;
use folio_domain::contact::ceil_seconds;
use folio_store::StoreError;
use serde::Serialize;

/// A short label for `http_request_errors_total{error_type}`, attached to error responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorType(pub &'static str);

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: Message,
    error_type: &'static str,
    retry_after: Option<u32>,
}

/// One sentence, or one per problem when several fields are wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
enum Message {
    One(String),
    Many(Vec<String>),
}

/// Every error answer: the status, its reason phrase, and what is wrong.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ErrorBody)]
pub struct Body<'a> {
    status_code: u16,
    error: &'a str,
    message: &'a Message,
}

impl ApiError {
    /// An error with one message.
    pub fn new(status: StatusCode, error_type: &'static str, message: impl Into<String>) -> Self {
        Self { status, message: Message::One(message.into()), error_type, retry_after: None }
    }

    /// 400 listing every field problem (a plain string when there is only one).
    pub fn validation(errors: FieldErrors) -> Self {
        let mut messages = errors.into_messages();
        let message = if messages.len() == 1 { Message::One(messages.remove(0)) } else { Message::Many(messages) };
        Self { status: StatusCode::BAD_REQUEST, message, error_type: "validation", retry_after: None }
    }

    /// 429 with `Retry-After`: `what`, and when to try again.
    pub fn rate_limited(what: &str, wait: std::time::Duration) -> Self {
        let message = format!("{what}; try again in {}", folio_domain::contact::wait_text(wait));
        let seconds = u32::try_from(ceil_seconds(wait)).unwrap_or(u32::MAX);
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: Message::One(message),
            error_type: "rate_limited",
            retry_after: Some(seconds),
        }
    }

    /// 503 for a limit every client shares: `what` is refused, with `Retry-After` when it is
    /// known when to come back.
    pub fn busy(error_type: &'static str, what: impl Into<String>, wait: Option<std::time::Duration>) -> Self {
        let what = what.into();
        let message = match wait {
            Some(wait) => format!("{what}; try again in {}", folio_domain::contact::wait_text(wait)),
            None => what,
        };
        let retry_after = wait.map(|w| u32::try_from(ceil_seconds(w)).unwrap_or(u32::MAX));
        Self { status: StatusCode::SERVICE_UNAVAILABLE, message: Message::One(message), error_type, retry_after }
    }

    /// 404 for a missing resource.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// Maps a storage failure: transient ones are 503 with `Retry-After`, a full or read-only
    /// database 507, anything else 500. The cause goes to the log, not to the client.
    pub fn from_store(error: &StoreError) -> Self {
        let (status, message, retry_after) = match error {
            StoreError::Unavailable(_) | StoreError::Timeout(_) | StoreError::Credentials(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "The database is unavailable; try again shortly".to_owned(), Some(5))
            }
            StoreError::Storage(why) => (
                StatusCode::INSUFFICIENT_STORAGE,
                format!("The database cannot store data right now ({why}); nothing was changed"),
                None,
            ),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error".to_owned(), None),
        };
        if status.is_server_error() {
            tracing::error!(error = %error.chain(), kind = error.kind(), "storage failure");
        }
        Self { status, message: Message::One(message), error_type: error.kind(), retry_after }
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::from_store(&error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            status_code: self.status.as_u16(),
            error: self.status.canonical_reason().unwrap_or("Error"),
            message: &self.message,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response.extensions_mut().insert(ErrorType(self.error_type));
        response
    }
}

/// The error answers several operations share, for the OpenAPI document (`responses(...)` of
/// `#[utoipa::path]`); each operation still lists its own 400 and 404 with its own wording.
pub mod responses {
    #![allow(dead_code)] // The variants are read by the OpenAPI derive only.

    use super::Body;

    /// What an admin-only operation can answer before it runs (see `RequireAdmin`).
    #[derive(utoipa::IntoResponses)]
    pub enum AdminRefusals {
        #[response(status = 401, description = "Missing or wrong bearer token")]
        Unauthorized(Body<'static>),
        #[response(status = 403, description = "Admin requests are disabled (no ADMIN_TOKEN)")]
        Disabled(Body<'static>),
        #[response(status = 429, description = "Too many admin requests from this client",
            headers(("Retry-After" = u32, description = "seconds")))]
        TooMany(Body<'static>),
    }

    /// What an operation with a JSON body can answer before reading it (see `JsonBody`).
    #[derive(utoipa::IntoResponses)]
    pub enum BodyRefusals {
        #[response(status = 413, description = "Body over 1 MiB")]
        TooLarge(Body<'static>),
        #[response(status = 415, description = "Not application/json")]
        NotJson(Body<'static>),
    }

    /// The database could not answer.
    #[derive(utoipa::IntoResponses)]
    pub enum Unavailable {
        #[response(status = 503, description = "The database is unavailable",
            headers(("Retry-After" = u32, description = "seconds")))]
        Unavailable(Body<'static>),
    }

    /// A write the database cannot store (a full or read-only disk).
    #[derive(utoipa::IntoResponses)]
    pub enum StorageFull {
        #[response(status = 507, description = "The database cannot store data; nothing was changed")]
        Full(Body<'static>),
    }
}
