//! The projects the site shows, cached for a few seconds: pages stay fast however often they
//! are requested, and when the API is briefly down the last good list is served (for up to
//! [`STALE_FOR`]) instead of an error page.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use folio_domain::Project;
use folio_metrics::{CacheResult, SiteMetrics};
use tokio::sync::Mutex;

use crate::backend::{Backend, BackendError};

/// How long a list may be served after the API stopped answering.
pub const STALE_FOR: Duration = Duration::from_secs(600);

/// A counter that changes whenever projects change, when the site can know (in `serve` mode
/// the API bumps it on every write); a change makes the cache refetch at once.
pub type Version = Arc<dyn Fn() -> u64 + Send + Sync>;

#[derive(Debug, Clone)]
struct Entry {
    fetched: Instant,
    version: u64,
    projects: Arc<Vec<Project>>,
}

/// The cached list, refreshed by one caller at a time.
pub struct ProjectCache {
    backend: Arc<dyn Backend>,
    ttl: Duration,
    version: Version,
    entry: RwLock<Option<Entry>>,
    last_failure: RwLock<Option<(Instant, BackendError)>>,
    refresh: Mutex<()>,
    metrics: SiteMetrics,
}

impl std::fmt::Debug for ProjectCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectCache").field("backend", &self.backend).field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl ProjectCache {
    /// A cache over `backend` keeping lists for `ttl`, counting how it answers into `metrics`.
    pub fn new(backend: Arc<dyn Backend>, ttl: Duration, version: Version, metrics: SiteMetrics) -> Self {
        Self {
            backend,
            ttl,
            version,
            entry: RwLock::default(),
            last_failure: RwLock::default(),
            refresh: Mutex::new(()),
            metrics,
        }
    }

    /// The backend the cache reads through.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// Active projects: cached when fresh, fetched otherwise, stale if the API fails.
    pub async fn projects(&self) -> Result<Arc<Vec<Project>>, BackendError> {
        let (result, how) = self.lookup().await;
        self.metrics.record_lookup(how);
        result
    }

    async fn lookup(&self) -> (Result<Arc<Vec<Project>>, BackendError>, CacheResult) {
        if let Some(fresh) = self.fresh() {
            return (Ok(fresh), CacheResult::Hit);
        }
        let _turn = self.refresh.lock().await;
        if let Some(fresh) = self.fresh() {
            return (Ok(fresh), CacheResult::Hit);
        }
        // After a failure, wait one TTL before asking the API again.
        let recent_failure = self.last_failure.read().expect("lock").clone().filter(|(at, _)| at.elapsed() < self.ttl);
        let result = match recent_failure {
            Some((_, error)) => Err(error),
            None => {
                let version = (self.version)();
                self.backend.projects().await.map(|projects| (version, projects))
            }
        };
        match result {
            Ok((version, projects)) => {
                *self.entry.write().expect("lock") =
                    Some(Entry { fetched: Instant::now(), version, projects: projects.clone() });
                *self.last_failure.write().expect("lock") = None;
                (Ok(projects), CacheResult::Miss)
            }
            Err(error) => {
                if self.last_failure.read().expect("lock").is_none() {
                    tracing::warn!(%error, "projects unavailable from the API");
                }
                *self.last_failure.write().expect("lock") = Some((Instant::now(), error.clone()));
                let stale = self.entry.read().expect("lock").clone().filter(|e| e.fetched.elapsed() < STALE_FOR);
                match stale {
                    Some(entry) => (Ok(entry.projects), CacheResult::Stale),
                    None => (Err(error), CacheResult::Error),
                }
            }
        }
    }

    fn fresh(&self) -> Option<Arc<Vec<Project>>> {
        let entry = self.entry.read().expect("lock");
        entry
            .as_ref()
            .filter(|e| e.fetched.elapsed() < self.ttl && e.version == (self.version)())
            .map(|e| e.projects.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

    use async_trait::async_trait;
    use folio_metrics::{Metrics, Service};

    use super::*;
    use crate::backend::{ContactFields, SubmitError};

    #[derive(Debug, Default)]
    struct Fake {
        calls: AtomicUsize,
        down: AtomicBool,
    }

    #[async_trait]
    impl Backend for Fake {
        async fn projects(&self) -> Result<Arc<Vec<Project>>, BackendError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                Err(BackendError::Unavailable("down".into()))
            } else {
                Ok(Arc::default())
            }
        }

        async fn submit_contact(&self, _: ContactFields, _: IpAddr) -> Result<(), SubmitError> {
            Ok(())
        }
    }

    fn cache(fake: &Arc<Fake>, ttl_ms: u64, version: Arc<AtomicU64>) -> (ProjectCache, Metrics) {
        let backend: Arc<dyn Backend> = fake.clone();
        let metrics = Metrics::new(&[Service::Frontend], "test", "test");
        let version = Arc::new(move || version.load(Ordering::SeqCst));
        (ProjectCache::new(backend, Duration::from_millis(ttl_ms), version, metrics.site.clone()), metrics)
    }

    /// `frontend_project_cache_lookups_total` for `result`.
    fn lookups(metrics: &Metrics, result: &str) -> u64 {
        let prefix = format!("frontend_project_cache_lookups_total{{result=\"{result}\"}} ");
        metrics.render().lines().find_map(|l| l.strip_prefix(&prefix)?.parse().ok()).unwrap_or(0)
    }

    #[tokio::test]
    async fn a_fresh_list_is_served_without_asking_the_api() {
        let fake = Arc::new(Fake::default());
        let (cache, metrics) = cache(&fake, 60_000, Arc::default());
        for _ in 0..5 {
            cache.projects().await.expect("projects");
        }
        assert_eq!(fake.calls.load(Ordering::SeqCst), 1);
        assert_eq!((lookups(&metrics, "miss"), lookups(&metrics, "hit")), (1, 4));
    }

    #[tokio::test]
    async fn a_version_change_refetches_at_once() {
        let fake = Arc::new(Fake::default());
        let version = Arc::new(AtomicU64::new(0));
        let (cache, _metrics) = cache(&fake, 60_000, version.clone());
        cache.projects().await.expect("projects");
        version.fetch_add(1, Ordering::SeqCst);
        cache.projects().await.expect("projects");
        assert_eq!(fake.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn when_the_api_is_down_the_last_list_is_served_and_it_is_not_hammered() {
        let fake = Arc::new(Fake::default());
        let (cache, metrics) = cache(&fake, 50, Arc::default());
        cache.projects().await.expect("projects");
        fake.down.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(60)).await;
        for _ in 0..10 {
            cache.projects().await.expect("stale list served");
        }
        assert_eq!(fake.calls.load(Ordering::SeqCst), 2, "one failed refresh per TTL");
        assert_eq!((lookups(&metrics, "miss"), lookups(&metrics, "stale")), (1, 10));
    }

    #[tokio::test]
    async fn with_nothing_cached_a_failure_is_reported() {
        let fake = Arc::new(Fake { down: AtomicBool::new(true), ..Fake::default() });
        let (cache, metrics) = cache(&fake, 50, Arc::default());
        assert!(cache.projects().await.is_err());
        assert_eq!(lookups(&metrics, "error"), 1);
    }
}
