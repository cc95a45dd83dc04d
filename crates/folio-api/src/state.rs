//! What every API handler can reach.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use folio_core::{
    ContactService, DatabaseHealth, MediaService, Project, ProjectService, RateLimiter, SiteContentService,
};
use folio_http::PerRead;

use crate::AdminAuth;

/// The use cases the API serves.
pub type UseCases =
    (Arc<ProjectService>, Arc<SiteContentService>, Arc<ContactService>, Arc<DatabaseHealth>, Arc<MediaService>);

/// Shared by all handlers; cheap to clone.
#[derive(Debug, Clone)]
pub struct ApiState {
    pub projects: Arc<ProjectService>,
    pub site: Arc<SiteContentService>,
    pub contact: Arc<ContactService>,
    pub health: Arc<DatabaseHealth>,
    pub media: Arc<MediaService>,
    pub auth: Arc<AdminAuth>,
    pub info: Arc<ServiceInfo>,
    pub(crate) admin_limiter: Arc<RateLimiter>,
    /// The JSON of the last public list read, for every request that shares that read.
    pub(crate) list_json: Arc<PerRead<Vec<Project>, Bytes>>,
}

impl ApiState {
    /// The state for one process: the use cases it serves, how writes are authorised, what
    /// health endpoints report, and the limit on admin requests.
    pub fn new(
        (projects, site, contact, health, media): UseCases,
        auth: AdminAuth,
        info: ServiceInfo,
        admin_limiter: RateLimiter,
    ) -> Self {
        Self {
            projects,
            site,
            contact,
            health,
            media,
            auth: Arc::new(auth),
            info: Arc::new(info),
            admin_limiter: Arc::new(admin_limiter),
            list_json: Arc::default(),
        }
    }
}

/// Facts about this process reported by health endpoints.
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    pub version: &'static str,
    pub environment: String,
    pub started: Instant,
    /// Only in development do error responses carry internal details.
    pub expose_errors: bool,
}
