//! `POST /api/contact` (public, rate-limited), and for the admin `GET /api/contact-messages`
//! and `POST /api/contact-messages/read`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use folio_core::{Channel, ClientIp, Contact, ContactMessage, FieldErrors, Notified};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::auth::RequireAdmin;
use crate::body::JsonBody;
use crate::error::Body as ErrorBody;
use crate::error::responses::{AdminRefusals, BodyRefusals, StorageFull, Unavailable};
use crate::input::JsonObject;
use crate::input::contact::contact_form;
use crate::openapi::{ContactInputBody, MarkReadBody};
use crate::{ApiError, ApiState};

/// What the visitor is told after a successful submission.
pub const THANK_YOU: &str = "Thank you for your message! It has been received and I will get back to you soon.";

/// The answer to an accepted message.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    success: bool,
    message: &'static str,
    /// How the owner learns of it: `email`, or `inbox` (no SMTP: it waits in the admin's inbox).
    notified: Notified,
}

#[utoipa::path(post, path = "/api/contact", tag = "contact",
    request_body(content = ContactInputBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored; the owner is notified by e-mail, or (without SMTP) finds it in the inbox", body = Accepted),
        (status = 400, description = "Malformed JSON or invalid fields (each named)", body = ErrorBody),
        (status = 429, description = "Too many messages from this client", body = ErrorBody, headers(("Retry-After" = u32, description = "seconds"))),
        (status = 503, description = "The database is unavailable, all clients together sent too many messages (with Retry-After), or the unread messages reached their cap", body = ErrorBody),
        BodyRefusals, StorageFull,
))]
pub async fn submit(
    State(state): State<ApiState>,
    Extension(client): Extension<ClientIp>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let form = contact_form(&body).map_err(ApiError::validation)?;
    let notified = state.contact.submit(form, Channel::Api, client).await?;
    Ok((StatusCode::CREATED, Json(Accepted { success: true, message: THANK_YOU, notified })).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    limit: Option<u32>,
}

/// The most a listing returns.
const MAX_LIMIT: u32 = 1000;

#[utoipa::path(get, path = "/api/contact-messages", tag = "contact", operation_id = "list_contact_messages", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, description = "How many, newest first (1 to 1000, default 100)", minimum = 1, maximum = 1000)),
    responses(
        (status = 200, description = "Stored messages with their delivery state", body = [ContactMessage]),
        (status = 400, description = "limit out of range", body = ErrorBody),
        AdminRefusals, Unavailable,
))]
pub async fn list(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<ContactMessage>>, ApiError> {
    let invalid = || {
        let message = format!("limit must be a whole number from 1 to {MAX_LIMIT}");
        ApiError::new(StatusCode::BAD_REQUEST, "validation", message)
    };
    let limit = query.map_err(|_| invalid())?.0.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(invalid());
    }
    Ok(Json(state.contact.list(limit).await?))
}

/// How many messages a request marked read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Marked {
    /// Messages that were unread until now (unknown ids and messages already read do not count).
    marked: u64,
}

#[utoipa::path(post, path = "/api/contact-messages/read", tag = "contact", security(("bearer" = [])),
    request_body(content = MarkReadBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Marked read: they no longer count against the cap on unread messages", body = Marked),
        (status = 400, description = "Malformed JSON, or ids missing, empty, too many or not UUIDs", body = ErrorBody),
        AdminRefusals, BodyRefusals, Unavailable, StorageFull,
))]
pub async fn mark_read(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    JsonBody(body): JsonBody,
) -> Result<Json<Marked>, ApiError> {
    let ids = ids(&body).map_err(ApiError::validation)?;
    let marked = state.contact.mark_read(&ids).await?;
    Ok(Json(Marked { marked }))
}

/// The most ids one request may mark.
pub const MAX_IDS: usize = 1000;

/// `{"ids": [...]}`: 1 to [`MAX_IDS`] hyphenated UUIDs.
fn ids(body: &Value) -> Result<Vec<Uuid>, FieldErrors> {
    let mut obj = JsonObject::new(body)?;
    let given = if body.get("ids").is_some() {
        obj.string_array("ids")
    } else {
        obj.error("ids is required");
        None
    };
    obj.reject_unknown(&["ids"], &[]);
    let mut ids = Vec::new();
    if let Some(given) = given {
        if given.is_empty() || given.len() > MAX_IDS {
            obj.error(format!("ids must hold 1 to {MAX_IDS} ids, got {}", given.len()));
        }
        for (i, text) in given.iter().enumerate() {
            match Uuid::try_parse(text).ok().filter(|_| text.len() == 36) {
                Some(id) => ids.push(id),
                None => obj.error(format!("ids[{i}] must be a UUID")),
            }
        }
    }
    obj.finish().map(|()| ids)
}
