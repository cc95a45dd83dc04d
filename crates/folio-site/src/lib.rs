//! Folio's website: server-rendered pages, no JavaScript, fed by the API.
//!
//! An adapter around the core's use cases: pages that depend only on the owner's content
//! (home, about, the empty contact form) are rendered once per change of it ([`shown`]);
//! project pages are rendered per request from a short-lived cache of the active projects
//! ([`cache`]). The site calls the core's `ActiveProjects`, `SiteContentSource` and `Contact`
//! use cases: the services themselves in `serve` mode, [`api_client::ApiClient`] over HTTP in
//! `site` mode. It never talks to the database.

pub mod api_client;
pub mod cache;
pub mod content;
pub mod metered;
pub mod shown;

mod assets;
mod contact;
mod html;
mod layout;
mod pages;
mod projects;
mod seo;
mod templates;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::get;
use folio_core::{Contact, SiteContentSource};
use folio_metrics::Metrics;

use crate::assets::Assets;
use crate::cache::ProjectCache;
use crate::pages::{Renderer, Shown};
use crate::shown::ShownContent;

pub use html::CSP;

/// What the site is built from.
#[derive(Debug)]
pub struct SiteConfig {
    /// The public address, for canonical links and the sitemap (no trailing slash).
    pub base_url: String,
    /// How long the owner's content is kept before it is asked for again (writes through the
    /// same process show at once).
    pub content_ttl: Duration,
    /// Shown while the content cannot be had and none was read yet (`site`: its image's files).
    pub fallback_content: Option<folio_core::SiteContent>,
    pub version: &'static str,
    pub environment: String,
}

/// Shared by the site's handlers. One `Arc`: axum clones a handler's state for every request.
#[derive(Debug, Clone)]
pub struct SiteState(Arc<SiteParts>);

/// What [`SiteState`] holds (its fields are the site's own).
#[derive(Debug)]
pub struct SiteParts {
    shown: Arc<ShownContent<Renderer>>,
    assets: Arc<Assets>,
    projects: Arc<ProjectCache>,
    contact: Arc<dyn Contact>,
    metrics: Arc<Metrics>,
    error_page: Arc<html::Page>,
    base_url: Arc<str>,
    version: &'static str,
    environment: Arc<str>,
    started: Instant,
}

impl SiteState {
    /// Assembles the state over the use cases the site calls.
    pub fn new(
        config: SiteConfig,
        (content, projects, contact): (Arc<dyn SiteContentSource>, Arc<ProjectCache>, Arc<dyn Contact>),
        metrics: Arc<Metrics>,
    ) -> Self {
        let assets = Arc::new(Assets::default());
        let base_url: Arc<str> = config.base_url.trim_end_matches('/').into();
        let renderer = Renderer { assets: assets.clone(), base_url: base_url.clone() };
        metrics.site.serving();
        Self(Arc::new(SiteParts {
            shown: Arc::new(ShownContent::new(
                content,
                renderer,
                config.content_ttl,
                config.fallback_content.map(Arc::new),
            )),
            assets,
            projects,
            contact,
            metrics,
            error_page: Arc::new(pages::error_page()),
            base_url,
            version: config.version,
            environment: config.environment.into(),
            started: Instant::now(),
        }))
    }

    /// The owner's content as shown now, or, when it was never had, the error page (503): no
    /// page of the site can be drawn without the owner's name.
    async fn shown(&self) -> Result<Arc<Shown>, Response> {
        self.shown.current().await.map_err(|_| {
            let mut response = self.error_page.respond(StatusCode::SERVICE_UNAVAILABLE, &axum::http::HeaderMap::new());
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
            response
        })
    }
}

impl std::ops::Deref for SiteState {
    type Target = SiteParts;

    fn deref(&self) -> &SiteParts {
        &self.0
    }
}

/// How long to tell clients to wait when what a page needs cannot be had.
const RETRY_AFTER_SECONDS: u32 = 30;

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
