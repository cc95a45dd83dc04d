//! The site's view of the API: how its project cache answered, and each call it made to the
//! API (`frontend_api_calls_total`, `frontend_api_call_duration_seconds`, the names the
//! earlier platform's dashboards query).

use std::time::Duration;

use prometheus::{HistogramVec, IntCounterVec, Registry};

/// How the project cache answered one lookup (`frontend_project_cache_lookups_total{result}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheResult {
    /// A fresh list was served without asking the API.
    Hit,
    /// The list was fetched from the API.
    Miss,
    /// The API failed and an older list was served.
    Stale,
    /// The API failed and there was nothing to serve.
    Error,
}

impl CacheResult {
    const ALL: [CacheResult; 4] = [CacheResult::Hit, CacheResult::Miss, CacheResult::Stale, CacheResult::Error];

    fn label(self) -> &'static str {
        match self {
            CacheResult::Hit => "hit",
            CacheResult::Miss => "miss",
            CacheResult::Stale => "stale",
            CacheResult::Error => "error",
        }
    }
}

/// Which API operation the site called (`endpoint` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiEndpoint {
    /// `GET /api/projects`.
    Projects,
    /// `POST /api/contact`.
    Contact,
    /// `GET /api/site`.
    Site,
}

impl ApiEndpoint {
    const ALL: [ApiEndpoint; 3] = [ApiEndpoint::Projects, ApiEndpoint::Contact, ApiEndpoint::Site];

    fn labels(self) -> [&'static str; 2] {
        match self {
            ApiEndpoint::Projects => ["GET", "/api/projects"],
            ApiEndpoint::Contact => ["POST", "/api/contact"],
            ApiEndpoint::Site => ["GET", "/api/site"],
        }
    }
}

/// How one call to the API ended (`outcome` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiOutcome {
    /// The API did what was asked.
    Ok,
    /// The API refused the request (invalid fields, rate limited): the visitor's to fix.
    Refused,
    /// The API did not answer in time.
    Timeout,
    /// The API could not be reached or failed.
    Unavailable,
}

impl ApiOutcome {
    const ALL: [ApiOutcome; 4] = [ApiOutcome::Ok, ApiOutcome::Refused, ApiOutcome::Timeout, ApiOutcome::Unavailable];

    fn label(self) -> &'static str {
        match self {
            ApiOutcome::Ok => "ok",
            ApiOutcome::Refused => "refused",
            ApiOutcome::Timeout => "timeout",
            ApiOutcome::Unavailable => "unavailable",
        }
    }
}

/// The site's series. Every label value comes from the enums above; [`SiteMetrics::serving`]
/// gives each a zero series, so rates over them are 0 rather than nothing.
#[derive(Debug, Clone)]
pub struct SiteMetrics {
    cache: IntCounterVec,
    calls: IntCounterVec,
    duration: HistogramVec,
}

impl SiteMetrics {
    pub(crate) fn new(registry: &Registry) -> Self {
        Self {
            cache: super::counter(
                registry,
                super::names::SITE_CACHE_LOOKUPS,
                "Project list lookups by the site, by how the cache answered",
                &["result"],
            ),
            calls: super::counter(
                registry,
                super::names::SITE_API_CALLS,
                "Calls from the site to the API, by outcome",
                &["method", "endpoint", "outcome"],
            ),
            duration: super::histogram(
                registry,
                super::names::SITE_API_CALL_DURATION,
                "Duration of the site's calls to the API in seconds",
                &["method", "endpoint"],
            ),
        }
    }

    /// Called once the site is built: every series it can have exists from then on.
    pub fn serving(&self) {
        for result in CacheResult::ALL {
            self.cache.with_label_values(&[result.label()]);
        }
        for endpoint in ApiEndpoint::ALL {
            let [method, path] = endpoint.labels();
            self.duration.with_label_values(&[method, path]);
            for outcome in ApiOutcome::ALL {
                self.calls.with_label_values(&[method, path, outcome.label()]);
            }
        }
    }

    /// Records one lookup of the project list.
    pub fn record_lookup(&self, result: CacheResult) {
        self.cache.with_label_values(&[result.label()]).inc();
    }

    /// Records one call to the API.
    pub fn record_call(&self, endpoint: ApiEndpoint, outcome: ApiOutcome, elapsed: Duration) {
        let [method, path] = endpoint.labels();
        self.calls.with_label_values(&[method, path, outcome.label()]).inc();
        self.duration.with_label_values(&[method, path]).observe(elapsed.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_series_exists_once_the_site_serves() {
        let registry = Registry::new();
        let site = SiteMetrics::new(&registry);
        assert!(!super::super::render_registry(&registry).contains("frontend_"));
        site.serving();
        site.record_lookup(CacheResult::Hit);
        site.record_call(ApiEndpoint::Projects, ApiOutcome::Ok, Duration::from_millis(4));
        crate::testing::assert_renders(
            &registry,
            &[
                "frontend_project_cache_lookups_total{result=\"hit\"} 1",
                "frontend_project_cache_lookups_total{result=\"error\"} 0",
                "frontend_api_calls_total{endpoint=\"/api/projects\",method=\"GET\",outcome=\"ok\"} 1",
                "frontend_api_calls_total{endpoint=\"/api/contact\",method=\"POST\",outcome=\"unavailable\"} 0",
                "frontend_api_call_duration_seconds_count{endpoint=\"/api/projects\",method=\"GET\"} 1",
            ],
        );
    }
}
