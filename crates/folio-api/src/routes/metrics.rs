//! `GET /api/metrics`: the Prometheus text exposition. Every role mounts it on its own port,
//! so Prometheus can scrape each task directly.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use folio_metrics::Metrics;

/// The route, for any role.
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new().route("/api/metrics", get(self::metrics)).with_state(metrics)
}

#[utoipa::path(get, path = "/api/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text exposition (format 0.0.4)", content_type = "text/plain", body = String)))]
pub async fn metrics(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, folio_metrics::CONTENT_TYPE)], metrics.render())
}
