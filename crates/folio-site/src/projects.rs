//! `/projects` and `/projects/{slug}`, rendered per request from the cached list; a project's
//! earlier address, `/projects/{uuid}`, answers 301 to its slug's.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use folio_core::Project;
use uuid::Uuid;

use crate::SiteState;
use crate::html::Page;
use crate::pages::Shown;
use crate::templates::{self, Card};

/// Longest excerpt on a card, and in a page's description (what search results show).
const CARD_CHARS: usize = 220;
/// How many of the first cards have their image fetched at once: the first row on a phone and
/// most of it on a wide screen; the rest load lazily as they scroll into view.
const EAGER_CARDS: usize = 2;
const SUMMARY_CHARS: usize = 155;

/// 301 to a project's page at its slug, kept by browsers and search engines.
fn moved(path: &str) -> Response {
    let location = HeaderValue::from_str(path).expect("a slug is a valid header value");
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response()
}

/// `/projects`: rendered once per read of the list (every request holding the same read gets
/// the same page, see [`folio_http::PerRead`]), or the notice that it cannot be read.
pub async fn list(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    let shown = match state.shown().await {
        Ok(shown) => shown,
        Err(unavailable) => return unavailable,
    };
    match state.projects.projects().await {
        Ok(projects) => {
            let page = shown.projects_page.get(&projects, |list| render_list(&shown, Some(list)));
            page.respond(StatusCode::OK, &headers)
        }
        Err(_) => {
            let mut response = render_list(&shown, None).respond(StatusCode::SERVICE_UNAVAILABLE, &headers);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(crate::RETRY_AFTER_SECONDS));
            response
        }
    }
}

fn render_list(shown: &Shown, projects: Option<&[Project]>) -> Page {
    let description = format!("Projects by {}.", shown.content.owner.name);
    let page = templates::Projects {
        layout: shown.frame().layout("/projects", "/projects", Some("Projects"), Some(&description)),
        projects: projects.map(|list| {
            list.iter()
                .enumerate()
                .map(|(place, project)| Card {
                    project,
                    excerpt: folio_markdown::excerpt(&project.description, CARD_CHARS),
                    eager: place < EAGER_CARDS,
                })
                .collect()
        }),
    };
    Page::new(page.render().expect("render projects.html"))
}

pub async fn detail(State(state): State<SiteState>, Path(key): Path<String>, headers: HeaderMap) -> Response {
    let shown = match state.shown().await {
        Ok(shown) => shown,
        Err(unavailable) => return unavailable,
    };
    let projects = match state.projects.projects().await {
        Ok(projects) => projects,
        Err(_) => return list(State(state), headers).await,
    };
    let id = Uuid::try_parse(&key).ok();
    let found = projects.iter().find(|p| match id {
        Some(id) => p.id == id,
        None => p.slug == key,
    });
    let Some(project) = found else {
        return crate::pages::not_found_page(&shown, &format!("/projects/{key}"), &headers);
    };
    let path = project.page_path();
    if id.is_some() && !project.slug.is_empty() {
        return moved(&path);
    }
    let description = folio_markdown::excerpt(&project.description, SUMMARY_CHARS);
    let frame = shown.frame();
    let mut layout = frame.layout(&path, "/projects", Some(&project.title), Some(&description));
    layout.image = project.image.as_ref().map(|photo| frame.preview(photo));
    let page = templates::ProjectDetail { layout, project, description: folio_markdown::to_html(&project.description) };
    Page::new(page.render().expect("render project.html")).respond(StatusCode::OK, &headers)
}
