//! `GET /api/health`: the service and its database, in the earlier platform's shape. 503 when
//! the database does not answer in time, so load balancers take the task out of rotation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use folio_http::ServiceHealth;
use folio_metrics::Service;
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
    let (status, db_status, error) = match state.health.check().await {
        Ok(()) => (StatusCode::OK, "connected", None),
        Err(error) => {
            tracing::warn!(%error, "health check: database not answering");
            (StatusCode::SERVICE_UNAVAILABLE, "error", state.info.expose_errors.then_some(error))
        }
    };
    let body = Health {
        service: ServiceHealth::now(
            Service::Api,
            status == StatusCode::OK,
            state.info.version,
            state.info.started,
            &state.info.environment,
        ),
        database: Database { status: db_status, kind: state.health.kind().as_str(), error },
    };
    (status, Json(body))
}
