//! What every API handler can reach.

use std::sync::Arc;
use std::time::Instant;

use folio_metrics::Metrics;
use folio_store::Store;

use crate::probe::DatabaseProbe;
use crate::{AdminAuth, ContactService};

/// Shared by all handlers; cheap to clone.
#[derive(Debug, Clone)]
pub struct ApiState {
    pub store: Arc<dyn Store>,
    pub metrics: Arc<Metrics>,
    pub auth: Arc<AdminAuth>,
    pub info: Arc<ServiceInfo>,
    pub contact: Arc<ContactService>,
    pub(crate) probe: Arc<DatabaseProbe>,
}

impl ApiState {
    /// The state for one process.
    pub fn new(
        store: Arc<dyn Store>,
        metrics: Arc<Metrics>,
        auth: AdminAuth,
        info: ServiceInfo,
        contact: Arc<ContactService>,
    ) -> Self {
        Self { store, metrics, auth: Arc::new(auth), info: Arc::new(info), contact, probe: Arc::default() }
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
