//! What every admin response goes through: a state-changing request must come from this
//! origin (a cross-site form gets 403 before any handler runs), and nothing the admin answers
//! may be stored by a browser or a cache on the way.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use folio_http::Https;

use crate::AdminState;
use crate::pages;

/// Styles from this origin only, forms post only here, no scripts, no framing.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// Refuses cross-origin writes, and marks every response uncacheable.
pub(crate) async fn protect(State(state): State<AdminState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = if safe || same_origin(&request, &state.public_origin) {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), "admin: a request from another origin (or none) was refused");
        pages::forbidden("This request did not come from this admin's own pages, so it was refused.")
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex"));
    response
}

/// Whether the request's `Origin` (or, without one, its `Referer`'s origin) is the public
/// origin or the one this request was sent to (its scheme and `Host`). Browsers send `Origin`
/// with every form POST; a request carrying neither is refused.
fn same_origin(request: &Request, public_origin: &str) -> bool {
    let headers = request.headers();
    let Some(claimed) = claimed_origin(headers) else {
        return false;
    };
    if claimed == public_origin {
        return true;
    }
    let scheme = if request.extensions().get::<Https>().is_some_and(|h| h.0) { "https" } else { "http" };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|host| claimed == format!("{scheme}://{}", host.to_ascii_lowercase()))
}

fn claimed_origin(headers: &HeaderMap) -> Option<String> {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    match text(header::ORIGIN) {
        // "null" is what a sandboxed or privacy-sensitive context sends: no origin to trust.
        Some(origin) => Some(origin.to_ascii_lowercase()).filter(|o| o != "null"),
        None => {
            let referer = url::Url::parse(text(header::REFERER)?).ok()?;
            Some(referer.origin().ascii_serialization())
        }
    }
}
