//! What every response goes through, in one layer: a request id, a tracing span, the origin
//! secret, the `Host` check, a time limit, the edge's caching policy, metrics, an access log
//! line and security headers.
//!
//! One layer rather than one per concern: axum clones a layer's inner service for every request,
//! and seven nested layers each cloned the boxed rest of the stack (28 allocations per request
//! in a profile, a sixteenth of a prerendered page's CPU time). Each concern stays a function of
//! its own module, called in order from [`frame`].

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

use crate::edge_cache;
use crate::origin::OriginSecrets;
use crate::proxy::{self, TrustedProxies};

/// The header carrying the request id, accepted from the client and echoed back.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The route label for requests that matched no route, so raw paths never become labels.
const UNMATCHED: &str = "unmatched";

/// What the layer needs, shared by every request.
#[derive(Debug)]
pub struct Frame {
    pub metrics: Arc<Metrics>,
    pub request_timeout: Duration,
    pub proxies: TrustedProxies,
    pub origin_secrets: OriginSecrets,
    /// Set once an ignored `X-Forwarded-For` has been logged.
    pub forwarding_warned: AtomicBool,
}

/// Wraps every request. The origin secret is checked first (a request without it learns
/// nothing, not even that its `Host` is malformed); the access log line is written outside the
/// request's span and carries its fields itself, so writing it does not read the span back.
pub async fn frame(State(frame): State<Arc<Frame>>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let security = SecurityHeaders::of(&request, &frame.proxies);
    let id = request_id(&request);
    let peer = proxy::peer(&request);
    let forwarding_ignored = frame.proxies.ignores_forwarded_for(peer, request.headers());
    let client = proxy::attribute(&mut request, &frame.proxies);
    // The label, not the method itself: a client may invent any token as a method.
    let method = Method::from_name(request.method().as_str());
    let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED, |p| p.as_str()).to_owned();
    let span = tracing::info_span!("request", request_id = %id, route = %route);

    let answer = async {
        if let Some(refused) = frame.origin_secrets.refusal(&request) {
            return refused;
        }
        if let Some(problem) = host_problem(&request) {
            return ApiError::new(StatusCode::BAD_REQUEST, "bad_host", problem).into_response();
        }
        let cacheable = edge_cache::cacheable(&request);
        let mut response = next.run(request).await;
        edge_cache::mark(cacheable, &mut response);
        response
    };
    let mut response = match tokio::time::timeout(frame.request_timeout, answer.instrument(span)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("The request took longer than {} s", frame.request_timeout.as_secs_f64()),
        )
        .into_response(),
    };

    let status = response.status();
    let elapsed = started.elapsed();
    if route != "/api/metrics" {
        let error_type = response.extensions().get::<ErrorType>().map(|t| t.0).or_else(|| default_error_type(status));
        frame.metrics.http.record(method, &route, status.as_u16(), elapsed, error_type);
    }
    let (status, millis, method, client) = (status.as_u16(), elapsed.as_secs_f64() * 1000.0, method.as_str(), client.0);
    if is_health_poll(&route) {
        tracing::debug!(request_id = %id, method, route, %client, status, millis, "request served");
    } else if status >= 500 {
        tracing::warn!(request_id = %id, method, route, %client, status, millis, "request served");
    } else {
        tracing::info!(request_id = %id, method, route, %client, status, millis, "request served");
    }
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(REQUEST_ID.clone(), value);
    }
    if forwarding_ignored {
        headers.insert(FORWARDED_FOR_IGNORED, HeaderValue::from_static("true"));
        if !frame.forwarding_warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                %peer,
                "X-Forwarded-For from a peer outside TRUSTED_PROXIES is ignored: every client behind it counts as \
                 that one address in the rate limits"
            );
        }
    }
    security.apply(headers);
    response
}

/// RFC 9112 (3.2): an HTTP/1.1 request needs one `Host` header, and none may carry two or an
/// invalid one; such requests get 400 instead of being served.
fn host_problem(request: &Request) -> Option<&'static str> {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    match (hosts.next(), hosts.next()) {
        (None, _) if request.version() == Version::HTTP_11 => Some("The request has no Host header"),
        (Some(_), Some(_)) => Some("The request has more than one Host header"),
        (Some(host), None) if !is_host(host) => Some("The Host header is not a host name with an optional port"),
        _ => None,
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
struct SecurityHeaders {
    is_api: bool,
    https: bool,
}

impl SecurityHeaders {
    fn of(request: &Request, proxies: &TrustedProxies) -> Self {
        let is_api = request.uri().path().starts_with("/api");
        Self { is_api, https: proxies.forwarded_https(proxy::peer(request), request.headers()) }
    }

    fn apply(self, headers: &mut axum::http::HeaderMap) {
        let mut set = |name: HeaderName, value: &'static str| {
            headers.entry(name).or_insert(HeaderValue::from_static(value));
        };
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
        set(header::X_FRAME_OPTIONS, "DENY");
        set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
        set(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        );
        if self.is_api {
            set(header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'");
            set(header::CACHE_CONTROL, "no-store");
        }
        if self.https {
            set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
        }
    }
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
