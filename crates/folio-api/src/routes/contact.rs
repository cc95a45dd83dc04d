//! `POST /api/contact` (public, rate-limited) and `GET /api/contact-messages` (admin).

use axum::Json;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use folio_domain::{ClientIp, ContactMessage, NewContactMessage};
use serde::{Deserialize, Serialize};

use crate::auth::RequireAdmin;
use crate::body::JsonBody;
use crate::contact::THANK_YOU;
use crate::{ApiError, ApiState};

#[derive(Debug, Serialize)]
struct Accepted {
    success: bool,
    message: &'static str,
}

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

pub async fn list(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<ContactMessage>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "validation",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    Ok(Json(state.store.list_contact_messages(limit).await?))
}
