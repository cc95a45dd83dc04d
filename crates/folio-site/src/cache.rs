//! The projects the site shows, cached for a few seconds: pages stay fast however often they
//! are requested, and when the API is briefly down the last good list is served (for up to
//! [`STALE_FOR`]) instead of an error page.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use folio_core::{ActiveProjects, Project, Unavailable};
use folio_metrics::{CacheResult, SiteMetrics};
use tokio::sync::Mutex;

/// How long a list may be served after the API stopped answering.
pub const STALE_FOR: Duration = Duration::from_secs(600);

/// Why no list could be had: shared by every caller that asked within one TTL.
pub type Failure = Arc<Unavailable>;

#[derive(Debug, Clone)]
struct Entry {
    fetched: Instant,
    version: u64,
    projects: Arc<Vec<Project>>,
}

/// The cached list, refreshed by one caller at a time. A change of the source's
/// [`ActiveProjects::version`] (in `serve`, every write) makes it refetch at once.
#[derive(Debug)]
pub struct ProjectCache {
    source: Arc<dyn ActiveProjects>,
    ttl: Duration,
    entry: RwLock<Option<Entry>>,
    last_failure: RwLock<Option<(Instant, Failure)>>,
    refresh: Mutex<()>,
    metrics: SiteMetrics,
}

impl ProjectCache {
    /// A cache over `source` keeping lists for `ttl`, counting how it answers into `metrics`.
    pub fn new(source: Arc<dyn ActiveProjects>, ttl: Duration, metrics: SiteMetrics) -> Self {
        Self {
            source,
            ttl,
            entry: RwLock::default(),
            last_failure: RwLock::default(),
            refresh: Mutex::new(()),
            metrics,
        }
    }

    /// Active projects: cached when fresh, fetched otherwise, stale if the API fails.
    pub async fn projects(&self) -> Result<Arc<Vec<Project>>, Failure> {
        let (result, how) = self.lookup().await;
        self.metrics.record_lookup(how);
        result
    }

    async fn lookup(&self) -> (Result<Arc<Vec<Project>>, Failure>, CacheResult) {
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
                let version = self.source.version();
                self.source.active().await.map(|projects| (version, projects)).map_err(Arc::new)
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
            .filter(|e| e.fetched.elapsed() < self.ttl && e.version == self.source.version())
            .map(|e| e.projects.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

    use async_trait::async_trait;
    use folio_metrics::{Metrics, Service};

    use super::*;

    #[derive(Debug, Default)]
    struct Fake {
        calls: AtomicUsize,
        down: AtomicBool,
    }

    /// The fake, with the version the test moves.
    #[derive(Debug)]
    struct Versioned(Arc<Fake>, Arc<AtomicU64>);

    #[async_trait]
    impl ActiveProjects for Versioned {
        async fn active(&self) -> Result<Arc<Vec<Project>>, Unavailable> {
            self.0.calls.fetch_add(1, Ordering::SeqCst);
            if self.0.down.load(Ordering::SeqCst) {
                Err(Unavailable::Remote { timed_out: false, why: "down".into() })
            } else {
                Ok(Arc::default())
            }
        }

        fn version(&self) -> u64 {
            self.1.load(Ordering::SeqCst)
        }
    }

    fn cache(fake: &Arc<Fake>, ttl_ms: u64, version: Arc<AtomicU64>) -> (ProjectCache, Metrics) {
        let source = Arc::new(Versioned(fake.clone(), version));
        let metrics = Metrics::new(&[Service::Site], "test", "test");
        (ProjectCache::new(source, Duration::from_millis(ttl_ms), metrics.site.clone()), metrics)
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
