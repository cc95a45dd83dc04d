//! The pages that depend only on the owner's content, rendered once at start, plus the 404
//! page, the stand-alone error page and `/health`.

use askama::Template;
use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use folio_core::ContactForm;
use folio_http::ServiceHealth;
use folio_metrics::Service;
use sha2::{Digest, Sha256};

use crate::SiteState;
use crate::assets::Assets;
use crate::content::Content;
use crate::html::Page;
use crate::layout::Frame;
use crate::templates::{self, FieldMessages};

/// What visitors read after sending a message, when the owner is e-mailed about it.
pub const THANK_YOU: &str = "Thanks: your message is on its way. I will reply to the address you gave.";
/// What visitors read after sending a message, when no e-mail goes out (no SMTP): it is
/// stored, and read in the owner's inbox.
pub const RECEIVED: &str = "Thanks: your message was received and waits in my inbox, where I will read it. I will reply to the address you gave.";

/// Pages rendered at start.
#[derive(Debug)]
pub struct Prerendered {
    home: Page,
    about: Page,
    contact: Page,
    thanks: Page,
    received: Page,
    error: Page,
}

impl Prerendered {
    pub fn render(content: &Content, assets: &Assets, base_url: &str) -> Self {
        let frame = Frame { content, base_url, stylesheet: &assets.stylesheet.path, favicon: &assets.favicon.path };
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
            biography: &content.biography_html,
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
        let error = templates::ErrorPage.render().expect("render error.html");
        Self {
            home: Page::new(home.render().expect("render home.html")),
            about: Page::new(about.render().expect("render about.html")),
            contact: Page::new(contact.render().expect("render contact.html")),
            thanks: Page::new(thanks.render().expect("render thanks.html")),
            received: Page::new(received.render().expect("render thanks.html")),
            error: Page::with_policy(error.clone(), inline_style_policy(&error)),
        }
    }
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

pub async fn home(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    state.pages.home.respond(StatusCode::OK, &headers)
}

pub async fn about(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    state.pages.about.respond(StatusCode::OK, &headers)
}

pub async fn contact(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    state.pages.contact.respond(StatusCode::OK, &headers)
}

pub async fn thanks(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    state.pages.thanks.respond(StatusCode::OK, &headers)
}

pub async fn received(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    state.pages.received.respond(StatusCode::OK, &headers)
}

pub async fn error(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    state.pages.error.respond(StatusCode::OK, &headers)
}

pub async fn not_found(State(state): State<SiteState>, OriginalUri(uri): OriginalUri, headers: HeaderMap) -> Response {
    not_found_page(&state, uri.path(), &headers)
}

/// The 404 page for `path`.
pub fn not_found_page(state: &SiteState, path: &str, headers: &HeaderMap) -> Response {
    let path: String = path.chars().take(200).collect();
    let page =
        templates::NotFound { layout: state.frame().layout(&path, "", Some("Page not found"), None), path: &path };
    Page::new(page.render().expect("render not_found.html")).respond(StatusCode::NOT_FOUND, headers)
}

/// `GET /health`: the site is up. It does not depend on the API: pages still render (from the
/// cache, or with a friendly notice) while the API is away.
pub async fn health(State(state): State<SiteState>) -> Json<ServiceHealth> {
    Json(ServiceHealth::now(Service::Site, true, state.version, state.started, &state.environment))
}
