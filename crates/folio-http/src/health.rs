//! What a health endpoint says about the service answering it, in the earlier platform's shape
//! (`/api/health` adds the database; the site's `/health` says only this).

use std::time::Instant;

use folio_core::Timestamp;
use folio_metrics::Service;
use serde::Serialize;

/// `{status, timestamp, version, service, uptime, environment}`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceHealth {
    /// `healthy`, or `unhealthy` when something the service needs is not answering.
    pub status: &'static str,
    pub timestamp: Timestamp,
    pub version: &'static str,
    /// `backend` (the API) or `frontend` (the site): the earlier platform's names (see
    /// `folio-metrics/src/names.rs`).
    pub service: &'static str,
    /// Seconds since the service started.
    pub uptime: f64,
    pub environment: String,
}

impl ServiceHealth {
    /// `service`'s health now: healthy or not, with what every health body says.
    pub fn now(service: Service, healthy: bool, version: &'static str, started: Instant, environment: &str) -> Self {
        Self {
            status: if healthy { "healthy" } else { "unhealthy" },
            timestamp: Timestamp::now(),
            version,
            service: service.external_name(),
            uptime: started.elapsed().as_secs_f64(),
            environment: environment.to_owned(),
        }
    }
}
