//! What every response goes through: a request id, a tracing span keyed by the route template,
//! metrics, a time limit, an access log line, and security headers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderName, HeaderValue, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use folio_api::{ApiError, ErrorType};
use folio_http::FORWARDED_FOR_IGNORED;
use folio_metrics::{Method, Metrics};
use tracing::Instrument;

use crate::proxy::{self, TrustedProxies};

/// The header carrying the request id, accepted from the client and echoed back.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The route label for requests that matched no route, so raw paths never become labels.
const UNMATCHED: &str = "unmatched";

/// What the observing middleware needs.
#[derive(Debug, Clone)]
pub struct Observer {
    pub metrics: Arc<Metrics>,
    pub request_timeout: Duration,
    pub proxies: TrustedProxies,
    /// Set once an ignored `X-Forwarded-For` has been logged.
    pub forwarding_warned: Arc<AtomicBool>,
}

/// The id of the request being served, for handlers that want it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Wraps every request: id, span, time limit, metrics and access log.
pub async fn observe(State(observer): State<Observer>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    request.extensions_mut().insert(RequestId(id.clone()));
    let peer = proxy::peer(&request);
    let forwarding_ignored = observer.proxies.ignores_forwarded_for(peer, request.headers());
    let client = proxy::attribute(&mut request, &observer.proxies);
    // The label, not the method itself: a client may invent any token as a method.
    let method = Method::from_name(request.method().as_str());
    let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED, |p| p.as_str()).to_owned();
    let span =
        tracing::info_span!("request", request_id = %id, method = method.as_str(), route = %route, client = %client.0);

    let mut response =
        match tokio::time::timeout(observer.request_timeout, next.run(request).instrument(span.clone())).await {
            Ok(response) => response,
            Err(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!("The request took longer than {} s", observer.request_timeout.as_secs_f64()),
            )
            .into_response(),
        };

    let status = response.status();
    let elapsed = started.elapsed();
    if route != "/api/metrics" {
        let error_type = response.extensions().get::<ErrorType>().map(|t| t.0).or_else(|| default_error_type(status));
        observer.metrics.http.record(method, &route, status.as_u16(), elapsed, error_type);
    }
    let millis = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if is_health_poll(&route) {
            tracing::debug!(status = status.as_u16(), millis, "request served");
        } else if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), millis, "request served");
        } else {
            tracing::info!(status = status.as_u16(), millis, "request served");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    if forwarding_ignored {
        response.headers_mut().insert(FORWARDED_FOR_IGNORED, HeaderValue::from_static("true"));
        if !observer.forwarding_warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                %peer,
                "X-Forwarded-For from a peer outside TRUSTED_PROXIES is ignored: every client behind it counts as \
                 that one address in the rate limits"
            );
        }
    }
    response
}

/// RFC 9112 (3.2): an HTTP/1.1 request needs one `Host` header, and none may carry two or an
/// invalid one; such requests get 400 instead of being served.
pub async fn require_host(request: Request, next: Next) -> Response {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let problem = match (hosts.next(), hosts.next()) {
        (None, _) if request.version() == Version::HTTP_11 => Some("The request has no Host header"),
        (Some(_), Some(_)) => Some("The request has more than one Host header"),
        (Some(host), None) if !is_host(host) => Some("The Host header is not a host name with an optional port"),
        _ => None,
    };
    match problem {
        Some(message) => ApiError::new(StatusCode::BAD_REQUEST, "bad_host", message).into_response(),
        None => next.run(request).await,
    }
}

/// A host and optional port, or empty (for targets without an authority).
fn is_host(value: &HeaderValue) -> bool {
    let Ok(text) = value.to_str() else {
        return false;
    };
    text.is_empty() || text.parse::<Authority>().is_ok_and(|a| !a.as_str().contains('@'))
}

/// Headers every response carries unless a handler set its own; HSTS when a trusted proxy
/// says the request came over HTTPS.
pub async fn security_headers(State(proxies): State<TrustedProxies>, request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api");
    let https = proxies.forwarded_https(proxy::peer(&request), request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if is_api {
        set(header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'");
        set(header::CACHE_CONTROL, "no-store");
    }
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
    }
    response
}

/// The client's id when it is short and printable; a fresh UUID otherwise.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

fn default_error_type(status: StatusCode) -> Option<&'static str> {
    if status.is_server_error() {
        Some("server_error")
    } else if status.is_client_error() {
        Some("client_error")
    } else {
        None
    }
}

/// Health polls arrive every few seconds from every load balancer; they are logged at DEBUG.
fn is_health_poll(route: &str) -> bool {
    matches!(route, "/api/health" | "/health")
}
