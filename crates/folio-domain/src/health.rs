//! What a health endpoint says about the service answering it, in the earlier platform's shape
//! (`/api/health` adds the database; the site's `/health` says only this).

use serde::Serialize;

use crate::timestamp::Timestamp;

/// `{status, timestamp, version, service, uptime, environment}`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceHealth {
    /// `healthy`, or `unhealthy` when something the service needs is not answering.
    pub status: &'static str,
    pub timestamp: Timestamp,
    pub version: &'static str,
    /// `backend` (the API) or `frontend` (the site).
    pub service: &'static str,
    /// Seconds since the service started.
    pub uptime: f64,
    pub environment: String,
}
