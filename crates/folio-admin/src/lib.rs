//! Folio's admin: the owner's pages under `/admin`, served by the API's process (the admin
//! needs the database; the site never touches it).
//!
//! The owner signs in at `/admin/login` with the admin token; a session cookie follows (see
//! [`folio_core::Sessions`] for what is stored and how long it lasts). Every page works
//! without JavaScript: plain forms, answered by a redirect. Every state-changing request must
//! come from this origin ([`guard`]) and carry the session's forgery token; every response is
//! `Cache-Control: no-store`.

mod guard;
mod inbox;
mod pages;
mod projects;
mod session;
mod site;
mod templates;
mod upload;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get, post};
use folio_core::{ContactService, MediaService, ProjectService, Sessions, SiteContentService};

/// What the admin's handlers reach; cheap to clone.
#[derive(Debug, Clone)]
pub struct AdminState {
    sessions: Arc<Sessions>,
    /// The same use cases the API writes through, so the site in this process (`serve`) sees a
    /// change at once.
    projects: Arc<ProjectService>,
    site: Arc<SiteContentService>,
    contact: Arc<ContactService>,
    /// The photos a project form uploads, replaces and removes.
    media: Arc<MediaService>,
    /// The site's public origin (`PUBLIC_BASE_URL`): behind CloudFront the `Host` the API sees
    /// is the load balancer's, so a form posted from the public address is recognised by this.
    public_origin: Arc<str>,
}

impl AdminState {
    /// The admin over these use cases, reached by the public at `public_origin`.
    pub fn new(sessions: Arc<Sessions>, (projects, site, contact, media): UseCases, public_origin: &str) -> Self {
        Self {
            sessions,
            projects,
            site,
            contact,
            media,
            public_origin: Arc::from(public_origin.trim_end_matches('/').to_ascii_lowercase()),
        }
    }
}

/// The use cases the admin writes through: projects, site content, messages, images.
pub type UseCases = (Arc<ProjectService>, Arc<SiteContentService>, Arc<ContactService>, Arc<MediaService>);

/// The admin's routes, with paths starting at `/admin`.
pub fn router(state: AdminState) -> Router {
    Router::new()
        .route("/admin", get(pages::dashboard))
        .route("/admin/login", get(pages::login_form).post(pages::sign_in))
        .route("/admin/logout", post(pages::sign_out))
        .route(
            "/admin/projects",
            get(projects::list).post(projects::create).layer(DefaultBodyLimit::max(upload::FORM_BODY_LIMIT)),
        )
        .route("/admin/projects/new", get(projects::new_form))
        .route(
            "/admin/projects/{id}",
            get(projects::edit_form).post(projects::save).layer(DefaultBodyLimit::max(upload::FORM_BODY_LIMIT)),
        )
        .route("/admin/projects/{id}/visibility", post(projects::visibility))
        .route("/admin/projects/{id}/move", post(projects::shift))
        .route("/admin/projects/{id}/delete", get(projects::confirm_delete).post(projects::delete))
        .route("/admin/site", get(site::edit_form).post(site::save))
        .route("/admin/inbox", get(inbox::list))
        .route("/admin/inbox/{id}", post(inbox::change))
        .route("/admin/inbox/{id}/delete", get(inbox::confirm_delete).post(inbox::delete))
        .route("/admin/admin.css", get(pages::stylesheet))
        .route("/admin/{*rest}", any(pages::not_found))
        .layer(from_fn_with_state(state.clone(), guard::protect))
        .with_state(state)
}
