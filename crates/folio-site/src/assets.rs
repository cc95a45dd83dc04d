//! Static assets built into the binary, served under names that carry a hash of their content
//! (`/assets/site.3f2a9c1e.css`), so they can be cached for a year and never go stale.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::SiteState;

/// One asset and the fingerprinted path it is served at.
#[derive(Debug, Clone)]
pub struct Asset {
    pub path: String,
    content_type: &'static str,
    body: Bytes,
}

/// Every asset the pages link to.
#[derive(Debug, Clone)]
pub struct Assets {
    pub stylesheet: Asset,
    pub favicon: Asset,
}

impl Asset {
    fn new(stem: &str, extension: &str, content_type: &'static str, body: &'static [u8]) -> Self {
        let hash = hex::encode(&Sha256::digest(body)[..4]);
        Self { path: format!("/assets/{stem}.{hash}.{extension}"), content_type, body: Bytes::from_static(body) }
    }
}

impl Default for Assets {
    fn default() -> Self {
        Self {
            stylesheet: Asset::new("site", "css", "text/css; charset=utf-8", include_bytes!("../assets/site.css")),
            favicon: Asset::new("favicon", "svg", "image/svg+xml", include_bytes!("../assets/favicon.svg")),
        }
    }
}

impl Assets {
    fn find(&self, path: &str) -> Option<&Asset> {
        [&self.stylesheet, &self.favicon].into_iter().find(|a| a.path == path)
    }
}

/// `GET /assets/{name}`: only the exact fingerprinted names; nothing is read from disk, so no
/// path can reach a file it should not.
pub async fn serve(State(state): State<SiteState>, Path(name): Path<String>) -> Response {
    match state.assets.find(&format!("/assets/{name}")) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
            ],
            asset.body.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "no such asset").into_response(),
    }
}

/// `GET /favicon.ico`: browsers ask for it by default; point them at the SVG.
pub async fn favicon(State(state): State<SiteState>) -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, state.assets.favicon.path.clone())]).into_response()
}
