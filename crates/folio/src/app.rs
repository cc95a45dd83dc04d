//! Assembling the HTTP application: the API and/or the site, `/api/metrics`, and the
//! middleware every response goes through.

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::{HeaderName, Method, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use folio_admin::AdminState;
use folio_api::{ApiError, ApiState};
use folio_metrics::Metrics;
use folio_site::SiteState;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::compressed;
use crate::config::{Config, Cors};
use crate::middleware::{self, Frame, REQUEST_ID};

/// The whole application for one process: the API comes with the admin (both need the
/// database).
pub fn router(
    api: Option<(ApiState, AdminState)>,
    site: Option<SiteState>,
    config: &Config,
    metrics: Arc<Metrics>,
) -> Router {
    let frame = Arc::new(Frame {
        metrics: metrics.clone(),
        request_timeout: config.http.request_timeout,
        proxies: config.http.proxies.clone(),
        origin_secrets: config.http.origin_secrets.clone(),
        forwarding_warned: AtomicBool::default(),
    });
    let mut router = folio_api::metrics_router(metrics);
    if let Some((api, admin)) = api {
        router = router.merge(folio_api::router(api).layer(cors(&config.http.cors))).merge(folio_admin::router(admin));
    } else {
        router = router.route("/api", get(api_not_found)).route("/api/{*rest}", get(api_not_found));
    }
    router = match site {
        Some(site) => router.merge(folio_site::router(site.clone())).fallback_service(folio_site::not_found(site)),
        None => router.fallback(api_not_found),
    };
    // One `layer` call for the stack, outermost first: axum boxes what each call wraps, and
    // clones it for every request.
    router.layer(
        ServiceBuilder::new()
            .layer(from_fn_with_state(frame, middleware::frame))
            .layer(from_fn_with_state(Arc::new(compressed::Memo::default()), compressed::compress))
            .layer(CatchPanicLayer::custom(panic_response)),
    )
}

async fn api_not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
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
