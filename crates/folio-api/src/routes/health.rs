//! `GET /api/health`: the service and its database, in the earlier platform's shape. 503 when
//! the database does not answer in time, so load balancers take the task out of rotation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use folio_domain::{ServiceHealth, Timestamp};
use serde::Serialize;

use crate::ApiState;

/// The service and its database.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    #[serde(flatten)]
    service: ServiceHealth,
    database: Database,
}

/// Whether the database answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Database {
    status: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[utoipa::path(get, path = "/api/health", tag = "health", responses(
    (status = 200, description = "Healthy, with the database connected", body = Health),
    (status = 503, description = "The database did not answer in time", body = Health),
))]
pub async fn health(State(state): State<ApiState>) -> (StatusCode, Json<Health>) {
    let (status, db_status, error) = match state.probe.check(state.store.as_ref()).await {
        Ok(()) => (StatusCode::OK, "connected", None),
        Err(error) => {
            tracing::warn!(%error, "health check: database not answering");
            (StatusCode::SERVICE_UNAVAILABLE, "error", state.info.expose_errors.then_some(error))
        }
    };
    let body = Health {
        service: ServiceHealth {
            status: if status == StatusCode::OK { "healthy" } else { "unhealthy" },
            timestamp: Timestamp::now(),
            version: state.info.version,
            service: "backend",
            uptime: state.info.uptime_seconds(),
            environment: state.info.environment.clone(),
        },
        database: Database { status: db_status, kind: state.store.kind().as_str(), error },
    };
    (status, Json(body))
}
