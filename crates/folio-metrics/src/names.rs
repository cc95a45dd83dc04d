//! The names the world outside this code knows Folio's two parts by, kept on purpose, here and
//! nowhere else.
//!
//! The earlier platform called the API `backend` and the site `frontend`. The Grafana
//! dashboards (`observability/grafana/dashboards/`), the Prometheus recording and alert rules
//! (`observability/prometheus/rules/`) and whatever reads the health bodies' `service` field
//! query those names, so renaming them would silently empty panels and break alerts. In code,
//! commands, Terraform and docs the parts are the `api` and the `site` ([`Service`]); only what
//! leaves the process as a metric name or a health body's `service` is mapped here.

use crate::Service;

/// `backend_*`, and `service: "backend"` in `/api/health`.
macro_rules! api_name {
    () => {
        "backend"
    };
}
/// `frontend_*`, and `service: "frontend"` in `/health`.
macro_rules! site_name {
    () => {
        "frontend"
    };
}

impl Service {
    /// The part's name in metric names and health bodies.
    pub fn external_name(self) -> &'static str {
        match self {
            Service::Api => api_name!(),
            Service::Site => site_name!(),
        }
    }
}

/// Site page views by route template.
pub(crate) const SITE_PAGE_VIEWS: &str = concat!(site_name!(), "_page_views_total");
/// How the site's project cache answered.
pub(crate) const SITE_CACHE_LOOKUPS: &str = concat!(site_name!(), "_project_cache_lookups_total");
/// The site's calls to the API, by outcome.
pub(crate) const SITE_API_CALLS: &str = concat!(site_name!(), "_api_calls_total");
/// Their duration.
pub(crate) const SITE_API_CALL_DURATION: &str = concat!(site_name!(), "_api_call_duration_seconds");
