//! What every API handler can reach.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use folio_metrics::Metrics;
use folio_store::Store;

use crate::probe::DatabaseProbe;
use crate::{AdminAuth, ContactService, RateLimiter};

/// Shared by all handlers; cheap to clone.
#[derive(Debug, Clone)]
pub struct ApiState {
    pub store: Arc<dyn Store>,
    pub metrics: Arc<Metrics>,
    pub auth: Arc<AdminAuth>,
    pub info: Arc<ServiceInfo>,
    pub contact: Arc<ContactService>,
    pub(crate) admin_limiter: Arc<RateLimiter>,
    pub(crate) probe: Arc<DatabaseProbe>,
    projects_version: Arc<AtomicU64>,
}

impl ApiState {
    /// The state for one process.
    pub fn new(
        store: Arc<dyn Store>,
        metrics: Arc<Metrics>,
        auth: AdminAuth,
        info: ServiceInfo,
        contact: Arc<ContactService>,
        admin_limiter: RateLimiter,
    ) -> Self {
        Self {
            store,
            metrics,
            auth: Arc::new(auth),
            info: Arc::new(info),
            contact,
            admin_limiter: Arc::new(admin_limiter),
            probe: Arc::default(),
            projects_version: Arc::default(),
        }
    }
}

impl ApiState {
    /// A number that changes whenever this process writes a project, so caches in the same
    /// process (the site's) can drop what they hold at once.
    pub fn projects_version(&self) -> u64 {
        self.projects_version.load(Ordering::Acquire)
    }

    pub(crate) fn projects_changed(&self) {
        self.projects_version.fetch_add(1, Ordering::AcqRel);
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

impl ServiceInfo {
    /// Seconds since the process started.
    pub fn uptime_seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}
