//! HTML responses: security headers, short-lived caching with ETags (so a revisit costs a 304),
//! and the Content-Security-Policy that allows no script at all.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// No scripts anywhere; styles and images from this origin (project images may be any https URL);
/// forms post only here; nobody may frame the site. `connect-src 'self'` lets crawlers' tools
/// (Lighthouse among them) read `/robots.txt` from within the page; without scripts nothing
/// else can use it.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A rendered page and its validator.
#[derive(Debug, Clone)]
pub struct Page {
    body: Bytes,
    etag: HeaderValue,
    csp: HeaderValue,
}

impl Page {
    /// A page with the standard policy.
    pub fn new(body: String) -> Self {
        Self::with_policy(body, HeaderValue::from_static(CSP))
    }

    /// A page with its own Content-Security-Policy.
    pub fn with_policy(body: String, csp: HeaderValue) -> Self {
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(body.as_bytes())[..8]));
        Self { body: Bytes::from(body), etag: HeaderValue::from_str(&etag).expect("hex is a valid header"), csp }
    }

    /// The page with `status`, or 304 when the client already holds it.
    pub fn respond(&self, status: StatusCode, request: &HeaderMap) -> Response {
        let headers = [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            // Revalidated on every visit; unchanged pages cost a 304 with no body.
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=0, must-revalidate")),
            (header::ETAG, self.etag.clone()),
            (header::CONTENT_SECURITY_POLICY, self.csp.clone()),
        ];
        let matches = request.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == self.etag.as_bytes());
        if status == StatusCode::OK && matches {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        (status, headers, self.body.clone()).into_response()
    }
}
