//! What every API handler can reach.

use std::sync::Arc;
use std::time::Instant;

use folio_core::{ContactService, DatabaseHealth, ProjectService, RateLimiter};

use crate::AdminAuth;

/// Shared by all handlers; cheap to clone.
#[derive(Debug, Clone)]
pub struct ApiState {
    pub projects: Arc<ProjectService>,
    pub contact: Arc<ContactService>,
    pub health: Arc<DatabaseHealth>,
    pub auth: Arc<AdminAuth>,
    pub info: Arc<ServiceInfo>,
    pub(crate) admin_limiter: Arc<RateLimiter>,
}

/// The use cases the API serves.
#[derive(Debug, Clone)]
pub struct UseCases {
    pub projects: Arc<ProjectService>,
    pub contact: Arc<ContactService>,
    pub health: Arc<DatabaseHealth>,
}

impl ApiState {
    /// The state for one process.
    pub fn new(use_cases: UseCases, auth: AdminAuth, info: ServiceInfo, admin_limiter: RateLimiter) -> Self {
        Self {
            projects: use_cases.projects,
            contact: use_cases.contact,
            health: use_cases.health,
            auth: Arc::new(auth),
            info: Arc::new(info),
            admin_limiter: Arc::new(admin_limiter),
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
