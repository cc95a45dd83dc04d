//! `/robots.txt` and `/sitemap.xml`, with absolute URLs from `PUBLIC_BASE_URL`.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::SiteState;

pub async fn robots(State(state): State<SiteState>) -> Response {
    let body = format!("User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n", state.base_url);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], body)
        .into_response()
}

pub async fn sitemap(State(state): State<SiteState>) -> Response {
    let base = &state.base_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in ["/", "/about", "/projects", "/contact"] {
        let _ = writeln!(xml, "<url><loc>{base}{path}</loc></url>");
    }
    // Without the API the fixed pages are still worth listing.
    if let Ok(projects) = state.projects.projects().await {
        for p in projects.iter() {
            let lastmod = &p.updated_at.to_rfc3339()[..10];
            let _ = writeln!(xml, "<url><loc>{base}/projects/{}</loc><lastmod>{lastmod}</lastmod></url>", p.id);
        }
    }
    xml.push_str("</urlset>\n");
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")], xml)
        .into_response()
}
