//! The pages that depend only on the owner's content, rendered once per change of it, plus the
//! 404 page, the stand-alone error page and `/health`.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use folio_core::{ContactForm, SiteContent};
use folio_http::ServiceHealth;
use folio_metrics::Service;
use sha2::{Digest, Sha256};

use crate::SiteState;
use crate::assets::Assets;
use crate::html::Page;
use crate::layout::Frame;
use crate::shown::Render;
use crate::templates::{self, FieldMessages};

/// What visitors read after sending a message, when the owner is e-mailed about it.
pub const THANK_YOU: &str = "Thanks: your message is on its way. I will reply to the address you gave.";
/// What visitors read after sending a message, when no e-mail goes out (no SMTP): it is
/// stored, and read in the owner's inbox.
pub const RECEIVED: &str = "Thanks: your message was received and waits in my inbox, where I will read it. I will reply to the address you gave.";

/// The owner's content at one version, with the pages that depend on it alone rendered once.
#[derive(Debug)]
pub struct Shown {
    pub content: Arc<SiteContent>,
    assets: Arc<Assets>,
    base_url: Arc<str>,
    home: Page,
    about: Page,
    contact: Page,
    thanks: Page,
    received: Page,
    /// `/projects` as rendered from the last list read, for every request holding that read.
    pub projects_page: folio_http::PerRead<Vec<folio_core::Project>, Page>,
}

/// Renders [`Shown`] for each version of the content.
#[derive(Debug)]
pub struct Renderer {
    pub assets: Arc<Assets>,
    pub base_url: Arc<str>,
}

impl Render for Renderer {
    type Shown = Shown;

    fn render(&self, content: Arc<SiteContent>) -> Shown {
        let frame = Frame {
            content: &content,
            base_url: &self.base_url,
            stylesheet: &self.assets.stylesheet.path,
            favicon: &self.assets.favicon.path,
        };
        let owner = &content.owner;
        let home = templates::Home {
            layout: frame.layout("/", "/", None, None),
            owner,
            competencies: &content.competencies,
            home: &content.home,
        };
        let about = templates::About {
            layout: frame.layout(
                "/about",
                "/about",
                Some("About"),
                Some(&format!("About {}: {}", owner.name, owner.headline)),
            ),
            owner,
            about: &content.about,
            biography: &folio_markdown::to_html(&content.about.biography),
        };
        let contact = templates::Contact {
            layout: frame.layout(
                "/contact",
                "/contact",
                Some("Contact"),
                Some(&format!("Send {} a message.", owner.name)),
            ),
            owner,
            form: &ContactForm::default(),
            errors: FieldMessages::default(),
            problem: None,
        };
        let thanks = templates::Thanks {
            layout: frame.layout("/contact/thanks", "/contact", Some("Message sent"), None),
            message: THANK_YOU,
        };
        let received = templates::Thanks {
            layout: frame.layout("/contact/received", "/contact", Some("Message received"), None),
            message: RECEIVED,
        };
        let [home, about, contact, thanks, received] = [
            home.render().expect("render home.html"),
            about.render().expect("render about.html"),
            contact.render().expect("render contact.html"),
            thanks.render().expect("render thanks.html"),
            received.render().expect("render thanks.html"),
        ]
        .map(Page::new);
        Shown {
            content,
            assets: self.assets.clone(),
            base_url: self.base_url.clone(),
            home,
            about,
            contact,
            thanks,
            received,
            projects_page: folio_http::PerRead::default(),
        }
    }
}

impl Shown {
    /// The frame every page of this content shares.
    pub fn frame(&self) -> Frame<'_> {
        Frame {
            content: &self.content,
            base_url: &self.base_url,
            stylesheet: &self.assets.stylesheet.path,
            favicon: &self.assets.favicon.path,
        }
    }
}

/// The stand-alone error page (it needs neither assets nor content), with its own policy.
pub fn error_page() -> Page {
    let error = templates::ErrorPage.render().expect("render error.html");
    let policy = inline_style_policy(&error);
    Page::with_policy(error, policy)
}

/// The error page carries its own styles (it must work with no assets): allow exactly those.
fn inline_style_policy(html: &str) -> HeaderValue {
    let style = html.split_once("<style>").and_then(|(_, rest)| rest.split_once("</style>")).map_or("", |(s, _)| s);
    let hash = Sha256::digest(style.as_bytes());
    let encoded = base64::engine::general_purpose::STANDARD.encode(hash);
    HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{encoded}'; frame-ancestors 'none'; base-uri 'none'"
    ))
    .expect("a valid header")
}

/// One of the pages [`Shown`] holds, answered as it is.
macro_rules! shown_page {
    ($($name:ident),*) => {$(
        pub async fn $name(State(state): State<SiteState>, headers: HeaderMap) -> Response {
            match state.shown().await {
                Ok(shown) => shown.$name.respond(StatusCode::OK, &headers),
                Err(unavailable) => unavailable,
            }
        }
    )*};
}
shown_page!(home, about, contact, thanks, received);

pub async fn error(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    state.error_page.respond(StatusCode::OK, &headers)
}

pub async fn not_found(State(state): State<SiteState>, OriginalUri(uri): OriginalUri, headers: HeaderMap) -> Response {
    match state.shown().await {
        Ok(shown) => not_found_page(&shown, uri.path(), &headers),
        Err(unavailable) => unavailable,
    }
}

/// The 404 page for `path`.
pub fn not_found_page(shown: &Shown, path: &str, headers: &HeaderMap) -> Response {
    let path: String = path.chars().take(200).collect();
    let page =
        templates::NotFound { layout: shown.frame().layout(&path, "", Some("Page not found"), None), path: &path };
    Page::new(page.render().expect("render not_found.html")).respond(StatusCode::NOT_FOUND, headers)
}

/// `GET /health`: the site is up. It does not depend on the API: pages still render (from the
/// cache, or with a friendly notice) while the API is away.
pub async fn health(State(state): State<SiteState>) -> Json<ServiceHealth> {
    Json(ServiceHealth::now(Service::Site, true, state.version, state.started, &state.environment))
}
