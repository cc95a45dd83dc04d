//! Folio's HTTP API, everything under `/api`: health, projects and contact messages.
//! (`/api/metrics` is mounted by the binary for every role.)
//!
//! Responses and errors keep the earlier Nest.js platform's JSON shapes, so its clients keep
//! working. Writes need the admin bearer token; reads are public.

mod auth;
mod body;
mod contact;
mod error;
mod probe;
mod rate_limit;
mod routes;
mod state;

use axum::Router;
use axum::routing::{get, post};

pub use auth::AdminAuth;
pub use contact::{ContactError, ContactService, THANK_YOU, minutes};
pub use error::{ApiError, ErrorType};
pub use rate_limit::RateLimiter;
pub use state::{ApiState, ServiceInfo};

/// The API's routes, with paths starting at `/api`.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/api/health", get(routes::health::health))
        .route("/api/projects", get(routes::projects::list).post(routes::projects::create))
        .route(
            "/api/projects/{id}",
            get(routes::projects::get).put(routes::projects::update).delete(routes::projects::delete),
        )
        .route("/api/contact", post(routes::contact::submit))
        .route("/api/contact-messages", get(routes::contact::list))
        .route("/api", get(routes::not_found))
        .route("/api/{*rest}", get(routes::not_found))
        .method_not_allowed_fallback(routes::method_not_allowed)
        .with_state(state)
}
