//! Folio's website: server-rendered pages, no JavaScript, fed by the API.
//!
//! An adapter around the core's use cases: pages that depend only on the owner's content
//! (home, about, the empty contact form) are rendered once at start; project pages are rendered
//! per request from a short-lived cache of the active projects ([`cache`]). The site calls the
//! core's `ActiveProjects` and `Contact` use cases: the services themselves in `serve` mode,
//! [`api_client::ApiClient`] over HTTP in `site` mode. It never talks to the database.

pub mod api_client;
pub mod cache;
pub mod content;
pub mod metered;

mod assets;
mod contact;
mod html;
mod layout;
mod pages;
mod projects;
mod seo;
mod templates;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::get;
use folio_core::Contact;
use folio_metrics::Metrics;

use crate::assets::Assets;
use crate::cache::ProjectCache;
use crate::content::Content;
use crate::pages::Prerendered;

pub use html::CSP;

/// What the site is built from.
#[derive(Debug)]
pub struct SiteConfig {
    pub content: Content,
    /// The public address, for canonical links and the sitemap (no trailing slash).
    pub base_url: String,
    pub version: &'static str,
    pub environment: String,
}

/// Shared by the site's handlers.
#[derive(Debug, Clone)]
pub struct SiteState {
    content: Arc<Content>,
    assets: Arc<Assets>,
    projects: Arc<ProjectCache>,
    contact: Arc<dyn Contact>,
    metrics: Arc<Metrics>,
    pages: Arc<Prerendered>,
    /// `/projects` as rendered from the last list read, for every request holding that read.
    projects_page: Arc<folio_http::PerRead<Vec<folio_core::Project>, html::Page>>,
    base_url: Arc<str>,
    version: &'static str,
    environment: Arc<str>,
    started: Instant,
}

impl SiteState {
    /// Renders the fixed pages and assembles the state.
    pub fn new(
        config: SiteConfig,
        projects: Arc<ProjectCache>,
        contact: Arc<dyn Contact>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let assets = Assets::default();
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        let pages = Prerendered::render(&config.content, &assets, &base_url);
        metrics.site.serving();
        Self {
            content: Arc::new(config.content),
            assets: Arc::new(assets),
            projects,
            contact,
            metrics,
            pages: Arc::new(pages),
            projects_page: Arc::default(),
            base_url: base_url.into(),
            version: config.version,
            environment: config.environment.into(),
            started: Instant::now(),
        }
    }

    fn frame(&self) -> layout::Frame<'_> {
        layout::Frame {
            content: &self.content,
            base_url: &self.base_url,
            stylesheet: &self.assets.stylesheet.path,
            favicon: &self.assets.favicon.path,
        }
    }
}

/// The site's routes. The caller adds the fallback ([`not_found`]) after merging with the API.
pub fn router(state: SiteState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/about", get(pages::about))
        .route("/projects", get(projects::list))
        .route("/projects/{slug}", get(projects::detail))
        // The API's limit: one answer for an oversized message, whichever role serves the form.
        .route(
            "/contact",
            get(pages::contact).post(contact::submit).layer(DefaultBodyLimit::max(folio_http::MAX_BODY_BYTES)),
        )
        .route("/contact/thanks", get(pages::thanks))
        .route("/contact/received", get(pages::received))
        .route_layer(from_fn_with_state(state.clone(), count_page_view));
    Router::new()
        .merge(pages)
        .route("/health", get(pages::health))
        .route("/robots.txt", get(seo::robots))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/feed.xml", get(seo::feed))
        .route("/favicon.ico", get(assets::favicon))
        .route("/assets/{name}", get(assets::serve))
        .route("/error.html", get(pages::error))
        .with_state(state)
}

/// The HTML 404 page, for every path no route matched.
pub fn not_found(state: SiteState) -> Router {
    Router::new().fallback(pages::not_found).with_state(state)
}

/// `frontend_page_views_total{page,method}`, by route template.
async fn count_page_view(State(state): State<SiteState>, request: Request, next: Next) -> Response {
    let page = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    state.metrics.pages.record(&page, folio_metrics::Method::from_name(request.method().as_str()));
    next.run(request).await
}
