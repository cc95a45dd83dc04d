//! Folio's HTTP API, everything under `/api`: health, projects, site content and contact
//! messages.
//! (`/api/metrics` is mounted by the binary for every role.)
//!
//! An adapter: each route reads its request into the core's values (`input/`), calls a use case
//! of `folio-core`, and answers. Responses and errors keep the earlier Nest.js platform's JSON
//! shapes, so its clients keep working. Writes need the admin bearer token; reads are public.

mod auth;
mod body;
mod error;
mod input;
mod openapi;
mod routes;
mod state;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{map_response, map_response_with_state};
use axum::routing::{any, delete, get, post};

pub use auth::AdminAuth;
pub use error::{ApiError, ErrorType};
pub use input::kind as json_kind;
pub use openapi::document as openapi_document;
pub use routes::contact::THANK_YOU;
pub use routes::metrics::router as metrics_router;
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
        .route("/api/site", get(routes::site::get).put(routes::site::put))
        .route(
            "/api/media",
            get(routes::media::list)
                .post(routes::media::upload)
                .layer(DefaultBodyLimit::max(routes::media::FORM_LIMIT)),
        )
        .route("/api/media/{id}", delete(routes::media::delete))
        .route("/media/{id}/{name}", get(routes::media::file))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route("/api/contact", post(routes::contact::submit))
        .route("/api/contact-messages", get(routes::contact::list))
        .route("/api/contact-messages/read", post(routes::contact::mark_read))
        .route("/api", any(routes::not_found))
        .route("/api/{*rest}", any(routes::not_found))
        .layer(map_response(routes::method_not_allowed))
        .layer(map_response_with_state(state.clone(), error::reveal_in_development))
        .with_state(state)
}
