//! `GET /api/metrics`: the Prometheus text exposition.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::ApiState;

pub async fn metrics(State(state): State<ApiState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, folio_metrics::CONTENT_TYPE)], state.metrics.render())
}
