//! Assembling the HTTP application: routes plus the middleware every response goes through.

use std::any::Any;
use std::time::Duration;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::{HeaderName, Method, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use folio_api::{ApiError, ApiState};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::{Config, Cors};
use crate::middleware::{self, Observer, REQUEST_ID};

/// The whole application for one process.
pub fn router(api: ApiState, config: &Config) -> Router {
    let observer = Observer {
        metrics: api.metrics.clone(),
        request_timeout: config.request_timeout,
        proxies: config.proxies.clone(),
    };
    folio_api::router(api)
        .fallback(not_found)
        .layer(cors(&config.cors))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(observer, middleware::observe))
        .layer(from_fn(middleware::security_headers))
}

async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("Cannot {method} {}", uri.path()))
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "a handler panicked");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "panic", "Internal server error").into_response()
}

fn cors(policy: &Cors) -> CorsLayer {
    let origins = match policy {
        Cors::Any => AllowOrigin::any(),
        Cors::Origins(list) => AllowOrigin::list(list.iter().filter_map(|o| o.parse().ok())),
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, REQUEST_ID.clone()])
        .expose_headers([REQUEST_ID.clone(), HeaderName::from_static("retry-after")])
        .max_age(Duration::from_secs(600))
}
