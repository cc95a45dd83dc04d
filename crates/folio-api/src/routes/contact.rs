//! `POST /api/contact` (public, rate-limited) and `GET /api/contact-messages` (admin).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use folio_domain::{ClientIp, ContactMessage, NewContactMessage};
use serde::{Deserialize, Serialize};

use crate::auth::RequireAdmin;
use crate::body::JsonBody;
use crate::contact::THANK_YOU;
use crate::error::Body as ErrorBody;
use crate::error::responses::{AdminRefusals, BodyRefusals, StorageFull, Unavailable};
use crate::openapi::ContactInputBody;
use crate::{ApiError, ApiState};

/// The answer to an accepted message.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    success: bool,
    message: &'static str,
}

#[utoipa::path(post, path = "/api/contact", tag = "contact",
    request_body(content = ContactInputBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored; the owner is notified by e-mail", body = Accepted),
        (status = 400, description = "Malformed JSON or invalid fields (each named)", body = ErrorBody),
        (status = 429, description = "Too many messages from this client", body = ErrorBody, headers(("Retry-After" = u32, description = "seconds"))),
        BodyRefusals, Unavailable, StorageFull,
))]
pub async fn submit(
    State(state): State<ApiState>,
    Extension(ClientIp(client)): Extension<ClientIp>,
    JsonBody(body): JsonBody,
) -> Response {
    match state.contact.submit(NewContactMessage::from_json(&body), client).await {
        Ok(()) => (StatusCode::CREATED, Json(Accepted { success: true, message: THANK_YOU })).into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    limit: Option<u32>,
}

/// The most a listing returns.
const MAX_LIMIT: u32 = 1000;

#[utoipa::path(get, path = "/api/contact-messages", tag = "contact", security(("bearer" = [])),
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
    Ok(Json(state.store.list_contact_messages(limit).await?))
}
