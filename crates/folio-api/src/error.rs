//! API errors, in the earlier platform's shape: `{statusCode, error, message}`.
//!
//! Client errors say exactly what is wrong. Internal errors give the client a generic message
//! and the log the whole cause chain; only in development does the answer carry the cause too
//! (the database file's path, the database server's own words), added by
//! [`reveal_in_development`].

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use folio_core::rate_limit::{ceil_seconds, wait_text};
use folio_core::{ContactError, FieldErrors, StoreError, Unavailable};
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
    /// What went wrong inside, for development only.
    internal: Option<String>,
}

/// The message with the internal cause, carried by an error response for
/// [`reveal_in_development`] (never sent as it is).
#[derive(Debug, Clone)]
struct Revealed(String);

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
        Self { status, message: Message::One(message.into()), error_type, retry_after: None, internal: None }
    }

    /// 400 listing every field problem (a plain string when there is only one).
    pub fn validation(errors: FieldErrors) -> Self {
        let mut messages = errors.into_messages();
        let message = if messages.len() == 1 { Message::One(messages.remove(0)) } else { Message::Many(messages) };
        Self { status: StatusCode::BAD_REQUEST, message, error_type: "validation", retry_after: None, internal: None }
    }

    /// 429 with `Retry-After`: `what`, and when to try again.
    pub fn rate_limited(what: &str, wait: std::time::Duration) -> Self {
        let message = format!("{what}; try again in {}", wait_text(wait));
        let seconds = u32::try_from(ceil_seconds(wait)).unwrap_or(u32::MAX);
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: Message::One(message),
            error_type: "rate_limited",
            retry_after: Some(seconds),
            internal: None,
        }
    }

    /// 503 for a limit every client shares: `what` is refused, with `Retry-After` when it is
    /// known when to come back.
    pub fn busy(error_type: &'static str, what: impl Into<String>, wait: Option<std::time::Duration>) -> Self {
        let what = what.into();
        let message = match wait {
            Some(wait) => format!("{what}; try again in {}", wait_text(wait)),
            None => what,
        };
        let retry_after = wait.map(|w| u32::try_from(ceil_seconds(w)).unwrap_or(u32::MAX));
        let status = StatusCode::SERVICE_UNAVAILABLE;
        Self { status, message: Message::One(message), error_type, retry_after, internal: None }
    }

    /// 404 for a missing resource.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// Maps a storage failure: transient ones are 503 with `Retry-After`, a full or read-only
    /// database 507, a taken unique value 409 (saying which), anything else 500. The cause goes
    /// to the log, and to the client only in development.
    pub fn from_store(error: &StoreError) -> Self {
        if let StoreError::Conflict(what) | StoreError::Refused(what) = error {
            return Self::new(StatusCode::CONFLICT, "conflict", what.clone());
        }
        let (status, message, retry_after) = match error {
            StoreError::Unavailable(_) | StoreError::Timeout(_) | StoreError::Credentials(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "The database is unavailable; try again shortly", Some(5))
            }
            StoreError::Storage(_) => (
                StatusCode::INSUFFICIENT_STORAGE,
                "The database cannot store data right now (its disk is full or read-only); nothing was changed",
                None,
            ),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error", None),
        };
        let internal = error.chain();
        tracing::error!(error = %internal, kind = error.kind(), "storage failure");
        let message = Message::One(message.to_owned());
        Self { status, message, error_type: error.kind(), retry_after, internal: Some(internal) }
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

impl From<ContactError> for ApiError {
    fn from(error: ContactError) -> Self {
        match error {
            ContactError::Invalid(errors) => ApiError::validation(errors),
            ContactError::Unavailable(Unavailable::Store(error)) => ApiError::from_store(&error),
            ContactError::Unavailable(remote @ Unavailable::Remote { .. }) => {
                tracing::error!(error = %remote, "contact use case unavailable");
                ApiError::busy("unavailable", "The contact form cannot take messages right now", None)
            }
            ContactError::RateLimited(wait) => ApiError::rate_limited("Too many messages from your address", wait),
            ContactError::Busy(wait) => {
                ApiError::busy("contact_budget", "The contact form is receiving too many messages", Some(wait))
            }
            ContactError::InboxFull(max) => ApiError::busy("inbox_full", inbox_full(max), None),
        }
    }
}

/// What a visitor is told when the inbox is full.
fn inbox_full(max_unread: u32) -> String {
    format!(
        "The inbox holds {max_unread} unread messages, as many as it keeps: no more are accepted until the owner \
         reads some; please write again later"
    )
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
        if let (Some(internal), Message::One(message)) = (self.internal, &self.message) {
            response.extensions_mut().insert(Revealed(format!("{message} ({internal})")));
        }
        response
    }
}

/// In development, rewrites error answers to carry their internal cause; elsewhere they keep
/// the generic message.
pub(crate) async fn reveal_in_development(State(state): State<crate::ApiState>, mut response: Response) -> Response {
    let Some(Revealed(message)) = response.extensions_mut().remove::<Revealed>() else {
        return response;
    };
    if !state.info.expose_errors {
        return response;
    }
    let status = response.status();
    let body = Body {
        status_code: status.as_u16(),
        error: status.canonical_reason().unwrap_or("Error"),
        message: &Message::One(message),
    };
    *response.body_mut() = axum::body::Body::from(serde_json::to_vec(&body).expect("an error body serialises"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_storage_failure_answers_507_without_the_databases_own_words() {
        let error = StoreError::Storage("/srv/folio/data/folio.db is read-only".to_owned());
        let response = ApiError::from_store(&error).into_response();
        assert_eq!(response.status(), StatusCode::INSUFFICIENT_STORAGE);
        let revealed = response.extensions().get::<Revealed>().map(|r| r.0.clone()).unwrap_or_default();
        assert!(
            revealed.ends_with("(the database cannot store data: /srv/folio/data/folio.db is read-only)"),
            "{revealed}"
        );
        let body = axum::body::to_bytes(response.into_body(), 4096).await.expect("body");
        let body = String::from_utf8_lossy(&body);
        assert!(!body.contains("/srv/folio"), "{body}");
        assert!(body.contains("The database cannot store data right now (its disk is full or read-only)"), "{body}");
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
