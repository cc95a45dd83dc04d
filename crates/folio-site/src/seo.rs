//! `/robots.txt`, `/sitemap.xml` and the Atom feed of projects `/feed.xml`, with absolute URLs
//! from `PUBLIC_BASE_URL`.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use folio_core::{Project, Timestamp};

use crate::SiteState;

pub async fn robots(State(state): State<SiteState>) -> Response {
    let body = format!("User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n", state.base_url);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], body)
        .into_response()
}

/// `/sitemap.xml`; the template escapes every value, as XML needs.
#[derive(Template)]
#[template(path = "sitemap.xml")]
struct Sitemap<'a> {
    base_url: &'a str,
    pages: [&'static str; 4],
    projects: Vec<SitemapProject>,
}

struct SitemapProject {
    /// `/projects/{slug}`.
    path: String,
    /// The day of the last change (`YYYY-MM-DD`).
    lastmod: String,
}

pub async fn sitemap(State(state): State<SiteState>) -> Response {
    // Without the API the fixed pages are still worth listing.
    let projects = match state.projects.projects().await {
        Ok(projects) => projects
            .iter()
            .map(|p| SitemapProject { path: p.page_path(), lastmod: p.updated_at.to_rfc3339()[..10].to_owned() })
            .collect(),
        Err(_) => Vec::new(),
    };
    let xml = render_sitemap(&state.base_url, projects);
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")], xml)
        .into_response()
}

/// `/feed.xml`: the shown projects as an Atom feed, in the site's order (readers sort by date
/// themselves). Each entry's id is the project's UUID, so a feed reader keeps it through a
/// change of title or address. The template escapes every value, the
/// rendered description included (Atom's `type="html"` carries HTML as escaped text).
#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed<'a> {
    base_url: &'a str,
    owner: &'a str,
    updated: String,
    entries: Vec<FeedEntry<'a>>,
}

struct FeedEntry<'a> {
    project: &'a Project,
    summary: String,
    html: String,
}

/// Characters of a description in an entry's summary.
const SUMMARY_CHARS: usize = 300;

pub async fn feed(State(state): State<SiteState>) -> Response {
    let shown = match state.shown().await {
        Ok(shown) => shown,
        Err(unavailable) => return unavailable,
    };
    let projects = match state.projects.projects().await {
        Ok(projects) => projects,
        // A feed reader retries later; an empty feed would read as every project deleted.
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "60")]).into_response(),
    };
    let xml = render_feed(&state.base_url, &shown.content.owner.name, &projects);
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response()
}

fn render_feed(base_url: &str, owner: &str, projects: &[Project]) -> String {
    // With no project, the feed last changed at the epoch: nothing in it ever changed.
    let updated = projects.iter().map(|p| p.updated_at).max().unwrap_or_else(Timestamp::epoch);
    let entries = projects
        .iter()
        .map(|project| FeedEntry {
            project,
            summary: folio_markdown::excerpt(&project.description, SUMMARY_CHARS),
            html: folio_markdown::to_html(&project.description),
        })
        .collect();
    Feed { base_url, owner, updated: updated.to_rfc3339(), entries }.render().expect("render feed.xml")
}

fn render_sitemap(base_url: &str, projects: Vec<SitemapProject>) -> String {
    let sitemap = Sitemap { base_url, pages: ["/", "/about", "/projects", "/contact"], projects };
    sitemap.render().expect("render sitemap.xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sitemap_escapes_what_it_writes() {
        let project = SitemapProject { path: "/projects/a-b".into(), lastmod: "2026-01-02".into() };
        let xml = render_sitemap("https://a&b.example", vec![project]);
        assert!(xml.contains("<loc>https://a&#38;b.example/about</loc>"), "{xml}");
        assert!(xml.contains("<loc>https://a&#38;b.example/projects/a-b</loc><lastmod>2026-01-02</lastmod>"));
        assert!(!xml.contains("a&b"), "{xml}");
    }
}
