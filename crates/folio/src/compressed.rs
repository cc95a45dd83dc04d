//! Response compression, done once per distinct body instead of once per request.
//!
//! `tower_http`'s compression compresses each response afresh; with brotli or gzip asked (every
//! browser asks) that was most of the CPU time of the public reads. For those reads
//! ([`memo_route`]) the handler still runs on every request, so an answer is as fresh as
//! before (the freshness promise of the shared reads is untouched: nothing here decides what
//! data an answer holds); what is reused is only the compressed form of a body that was already
//! compressed once. An entry is keyed by the route template (from a closed set), the encoding and
//! a hash of the body, and reused only when the body and the headers the handler made are
//! exactly those it was built from: a write changes the body, so its first answer is compressed
//! anew. The memo is a bounded cache ([`MEMO_BYTES`], least recently used out first). Every
//! other response is compressed by `tower_http` as before.

use std::convert::Infallible;
use std::future::ready;
use std::hash::BuildHasher;
use std::sync::Arc;

use axum::body::HttpBody as _;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use folio_api::ApiError;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use tower::ServiceExt;
use tower_http::compression::Compression;

use crate::edge_cache::CACHEABLE_ROUTES;

/// Bytes of bodies (plain and compressed) the memo holds at most.
pub const MEMO_BYTES: u64 = 4 * 1024 * 1024;
/// Larger bodies are compressed per request, as before (none of Folio's pages comes close).
const MAX_BODY: usize = 256 * 1024;
/// Routes whose bodies are the same for every visitor besides those the edge may keep.
const MORE_ROUTES: [&str; 3] = ["/contact", "/api/projects/{id}", "/assets/{name}"];

/// The encodings Folio offers, least preferred first (as `tower_http` ranks them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Gzip => "gzip",
            Self::Brotli => "br",
        }
    }
}

/// What a request's `Accept-Encoding` asks for, chosen as `tower_http` chooses: the highest
/// q-value, then brotli over gzip over identity; unknown encodings and malformed q-values are
/// ignored. A test checks the two agree.
fn negotiate(headers: &HeaderMap) -> Encoding {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(','))
        .filter_map(|item| {
            let (name, q) = item.split_once(';').map_or((item, None), |(name, q)| (name, Some(q)));
            let name = name.trim();
            let encoding = if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                Encoding::Gzip
            } else if name.eq_ignore_ascii_case("br") {
                Encoding::Brotli
            } else if name.eq_ignore_ascii_case("identity") {
                Encoding::Identity
            } else {
                return None;
            };
            Some((q.map_or(Some(1000), |q| q_value(q.trim()))?, encoding))
        })
        .filter(|(q, _)| *q > 0)
        .max()
        .map_or(Encoding::Identity, |(_, encoding)| encoding)
}

/// RFC 9110's q-value in thousandths: `q=0` to `q=1`, at most three decimals.
fn q_value(text: &str) -> Option<u16> {
    let value = text.strip_prefix(['q', 'Q'])?.strip_prefix('=')?;
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let whole = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction: u16 = fraction.bytes().zip([100, 10, 1]).map(|(digit, unit)| u16::from(digit - b'0') * unit).sum();
    Some(whole + fraction).filter(|q| *q <= 1000)
}

/// The template of a route whose bodies are memoized, from the closed set.
fn memo_route(request: &Request) -> Option<&'static str> {
    let matched = request.extensions().get::<MatchedPath>()?.as_str();
    CACHEABLE_ROUTES.iter().chain(&MORE_ROUTES).copied().find(|route| *route == matched)
}

/// A body compressed once: what the handler made, and what the client got.
#[derive(Debug)]
struct Built {
    plain_headers: HeaderMap,
    plain: Bytes,
    headers: HeaderMap,
    body: Bytes,
}

type Key = (&'static str, Encoding, u64);

#[derive(Debug, Clone)]
struct ByBytes;

impl Weighter<Key, Arc<Built>> for ByBytes {
    fn weight(&self, _key: &Key, built: &Arc<Built>) -> u64 {
        (built.plain.len() + built.body.len()) as u64
    }
}

/// The compressed bodies built so far.
#[derive(Debug)]
pub struct Memo {
    built: Cache<Key, Arc<Built>, ByBytes>,
    hasher: foldhash::fast::RandomState,
}

impl Default for Memo {
    fn default() -> Self {
        Self { built: Cache::with_weighter(64, MEMO_BYTES, ByBytes), hasher: foldhash::fast::RandomState::default() }
    }
}

/// Compresses responses as the client asks: from the memo for the public reads, by
/// `tower_http` otherwise.
pub async fn compress(State(memo): State<Arc<Memo>>, request: Request, next: Next) -> Response {
    let encoding = negotiate(request.headers());
    let route = memo_route(&request).filter(|_| request.method() == Method::GET && encoding != Encoding::Identity);
    let Some(route) = route else {
        let accept = accepted(request.headers());
        return compressed(accept, next.run(request).await).await;
    };
    let accept = HeaderMap::from_iter([(header::ACCEPT_ENCODING, HeaderValue::from_static(encoding.name()))]);
    let response = next.run(request).await;
    let size = response.body().size_hint().exact();
    let reusable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && size.is_some_and(|n| n <= MAX_BODY as u64);
    if !reusable {
        return compressed(accept, response).await;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(plain) = axum::body::to_bytes(body, MAX_BODY).await else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "body", "Internal server error").into_response();
    };
    let key = (route, encoding, memo.hasher.hash_one(&plain[..]));
    if let Some(built) = memo.built.get(&key)
        && built.plain == plain
        && built.plain_headers == parts.headers
    {
        parts.headers = built.headers.clone();
        return Response::from_parts(parts, Body::from(built.body.clone()));
    }
    let plain_headers = parts.headers.clone();
    let (parts, body) = compressed(accept, Response::from_parts(parts, Body::from(plain.clone()))).await.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "compression", "Internal server error")
            .into_response();
    };
    let built = Arc::new(Built { plain_headers, plain, headers: parts.headers.clone(), body: body.clone() });
    memo.built.insert(key, built);
    // Whole now, so the client gets a Content-Length, as it does from a static file server.
    Response::from_parts(parts, Body::from(body))
}

/// The request's `Accept-Encoding` values, all of them, as `tower_http` reads them.
fn accepted(headers: &HeaderMap) -> HeaderMap {
    headers.get_all(header::ACCEPT_ENCODING).iter().map(|v| (header::ACCEPT_ENCODING, v.clone())).collect()
}

/// `response` compressed by `tower_http` for a client that sent `accept`.
async fn compressed(accept: HeaderMap, response: Response) -> Response {
    let mut request = axum::http::Request::new(());
    *request.headers_mut() = accept;
    let mut response = Some(response);
    let answer = tower::service_fn(move |_| ready(Ok::<_, Infallible>(response.take().expect("called once"))));
    match Compression::new(answer).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        values.iter().map(|v| (header::ACCEPT_ENCODING, HeaderValue::from_str(v).expect("a header"))).collect()
    }

    #[tokio::test]
    async fn the_encoding_chosen_is_the_one_tower_http_chooses() {
        let cases: &[&[&str]] = &[
            &[],
            &["br, gzip"],
            &["gzip, deflate, br, zstd"],
            &["gzip"],
            &["x-gzip"],
            &["identity"],
            &["*"],
            &["br;q=0.5, gzip;q=0.8"],
            &["br;q=0, gzip"],
            &["gzip;q=1.0, br;q=1"],
            &["br;q=1.5, gzip;q=0.1"],
            &["br;q=0.0001, gzip;q=0.001"],
            &["BR;Q=0.9", "gzip;q=0.95"],
            &["identity;q=1, gzip;q=0.5"],
            &["gzip; q=0.5, br ; q=0.4"],
            &["br;q=.5, gzip;q=0.2"],
            &["gzip;q=0"],
        ];
        for case in cases {
            let accept = headers(case);
            let body = "a body long enough to be compressed, as every page is".repeat(4);
            let response = compressed(accept.clone(), Response::new(Body::from(body))).await;
            let chosen =
                response.headers().get(header::CONTENT_ENCODING).map_or("identity", |v| v.to_str().expect("ascii"));
            assert_eq!(negotiate(&accept).name(), chosen, "Accept-Encoding {case:?}");
        }
    }
}
