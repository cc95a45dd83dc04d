//! How long a shared cache in front of Folio (CloudFront) may keep a response, so that the edge
//! takes the load of a burst of visitors while an owner's change still shows within a bound.
//!
//! Only the public, anonymous reads listed in [`CACHEABLE_ROUTES`] get [`EDGE_POLICY`], and only
//! when they succeed (200, or 304 to a revalidation). Everything else keeps the header its
//! handler set: writes, the contact form, health checks, the admin's reads and anything asked
//! with an `Authorization` header or a cookie. The edge may keep a page [`SHARED_MAX_AGE`]
//! seconds, serve it up to [`STALE_WHILE_REVALIDATE`] seconds longer while one request fetches
//! it again in the background, and keep serving it up to [`STALE_IF_ERROR`] seconds while the
//! origin fails. Browsers (`max-age=0`) revalidate every visit; the edge answers them.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;

/// Seconds the edge serves a page without asking the origin.
pub const SHARED_MAX_AGE: u32 = 30;
/// Seconds after that during which the edge still answers with its copy while it refreshes it.
pub const STALE_WHILE_REVALIDATE: u32 = 30;
/// Seconds the edge keeps answering with its copy while the origin answers with errors.
pub const STALE_IF_ERROR: u32 = 86_400;

/// The `Cache-Control` of a response the edge may keep (the constants above, spelled out).
pub const EDGE_POLICY: &str = "public, max-age=0, s-maxage=30, stale-while-revalidate=30, stale-if-error=86400";

/// Route templates whose answers are the same for every visitor.
pub const CACHEABLE_ROUTES: [&str; 7] =
    ["/", "/about", "/projects", "/projects/{slug}", "/sitemap.xml", "/feed.xml", "/api/projects"];

/// Whether the answer to `request` may get [`EDGE_POLICY`]: an anonymous read of one of
/// [`CACHEABLE_ROUTES`].
pub fn cacheable(request: &Request) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !request.headers().contains_key(header::AUTHORIZATION)
        && !request.headers().contains_key(header::COOKIE)
        && request.extensions().get::<MatchedPath>().is_some_and(|p| CACHEABLE_ROUTES.contains(&p.as_str()))
}

/// Sets [`EDGE_POLICY`] on the answer to a [`cacheable`] request when it succeeded.
pub fn mark(cacheable: bool, response: &mut Response) {
    if cacheable && matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(EDGE_POLICY));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_spells_out_the_constants() {
        let expected = format!(
            "public, max-age=0, s-maxage={SHARED_MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}, \
             stale-if-error={STALE_IF_ERROR}"
        );
        assert_eq!(EDGE_POLICY, expected);
    }
}
