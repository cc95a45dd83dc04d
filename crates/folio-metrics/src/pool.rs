//! The database's connection pools (one for requests, one reserved for health checks):
//! connections open and in use, requests waiting for one, how long getting one took, the
//! waits that timed out, and whether the last health check reached the database (`db_up`).
//!
//! Occupancy is read from the pools when Prometheus scrapes, so it is never stale.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};

/// Which pool a series describes (`pool` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PoolName {
    /// The connections requests and the outbox use (`DB_POOL_MAX`).
    Requests,
    /// The one connection reserved for `/api/health`.
    Health,
}

impl PoolName {
    fn label(self) -> &'static str {
        match self {
            PoolName::Requests => "requests",
            PoolName::Health => "health",
        }
    }
}

/// A pool's occupancy at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Most connections the pool may open.
    pub max_size: usize,
    /// Connections open now.
    pub size: usize,
    /// Open connections nobody is using.
    pub idle: usize,
    /// Callers waiting for a connection.
    pub waiting: usize,
}

/// Reads a pool's status; `None` once the pool is gone.
type Source = Box<dyn Fn() -> Option<PoolStatus> + Send + Sync>;

/// The pools' series.
#[derive(Clone)]
pub struct PoolMetrics {
    sources: Arc<Mutex<BTreeMap<PoolName, Source>>>,
    acquire: HistogramVec,
    timeouts: IntCounterVec,
    up: IntGaugeVec,
}

impl std::fmt::Debug for PoolMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let watched: Vec<_> = self.sources.lock().expect("pool sources lock").keys().copied().collect();
        f.debug_struct("PoolMetrics").field("watched", &watched).finish_non_exhaustive()
    }
}

impl PoolMetrics {
    pub(crate) fn new(registry: &Registry) -> Self {
        let sources: Arc<Mutex<BTreeMap<PoolName, Source>>> = Arc::default();
        super::register(registry, Occupancy::new(sources.clone()));
        let acquire = super::histogram(
            registry,
            "db_pool_acquire_duration_seconds",
            "Time to get a database connection from the pool",
            &["pool"],
        );
        let timeouts = super::counter(
            registry,
            "db_pool_acquire_timeouts_total",
            "Callers that gave up waiting for a free database connection (every connection was busy)",
            &["pool"],
        );
        let up = IntGaugeVec::new(
            Opts::new("db_up", "1 when the last health check reached the database, 0 when it failed"),
            &[],
        )
        .expect("valid metric definition");
        super::register(registry, up.clone());
        Self { sources, acquire, timeouts, up }
    }

    /// Reports `pool`'s occupancy from `status` at every scrape, replacing an earlier source
    /// of the same name (a store opened again).
    pub fn watch(&self, pool: PoolName, status: impl Fn() -> Option<PoolStatus> + Send + Sync + 'static) {
        self.acquire.with_label_values(&[pool.label()]);
        self.timeouts.with_label_values(&[pool.label()]);
        self.sources.lock().expect("pool sources lock").insert(pool, Box::new(status));
    }

    /// Records one attempt to get a connection: how long it took, and whether it gave up
    /// because every connection stayed busy.
    pub fn record_acquire(&self, pool: PoolName, elapsed: Duration, wait_timed_out: bool) {
        self.acquire.with_label_values(&[pool.label()]).observe(elapsed.as_secs_f64());
        if wait_timed_out {
            self.timeouts.with_label_values(&[pool.label()]).inc();
        }
    }

    /// Records the outcome of a health check's round trip to the database.
    pub fn set_up(&self, reached: bool) {
        self.up.with_label_values::<&str>(&[]).set(i64::from(reached));
    }
}

/// `db_pool_max_connections`, `db_pool_connections{state}` and `db_pool_waiting`, read from
/// the watched pools at scrape time.
struct Occupancy {
    sources: Arc<Mutex<BTreeMap<PoolName, Source>>>,
    max: IntGaugeVec,
    connections: IntGaugeVec,
    waiting: IntGaugeVec,
}

impl Occupancy {
    fn new(sources: Arc<Mutex<BTreeMap<PoolName, Source>>>) -> Self {
        let gauge = |name: &str, help: &str, labels: &[&str]| {
            IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric definition")
        };
        Self {
            sources,
            max: gauge("db_pool_max_connections", "Most connections the pool may open", &["pool"]),
            connections: gauge("db_pool_connections", "Open database connections, idle or in use", &["pool", "state"]),
            waiting: gauge("db_pool_waiting", "Callers waiting for a database connection now", &["pool"]),
        }
    }
}

impl Collector for Occupancy {
    fn desc(&self) -> Vec<&Desc> {
        [&self.max, &self.connections, &self.waiting].into_iter().flat_map(|g| g.desc()).collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let mut sources = self.sources.lock().expect("pool sources lock");
        for gauge in [&self.max, &self.connections, &self.waiting] {
            gauge.reset();
        }
        sources.retain(|pool, status| {
            let Some(s) = status() else { return false };
            let (name, gauge) = (pool.label(), |n: usize| i64::try_from(n).unwrap_or(i64::MAX));
            self.max.with_label_values(&[name]).set(gauge(s.max_size));
            self.connections.with_label_values(&[name, "idle"]).set(gauge(s.idle));
            self.connections.with_label_values(&[name, "in_use"]).set(gauge(s.size.saturating_sub(s.idle)));
            self.waiting.with_label_values(&[name]).set(gauge(s.waiting));
            true
        });
        [&self.max, &self.connections, &self.waiting].into_iter().flat_map(|g| g.collect()).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[test]
    fn occupancy_is_read_at_scrape_time_and_a_dropped_pool_disappears() {
        let registry = Registry::new();
        let pools = PoolMetrics::new(&registry);
        let alive = Arc::new(AtomicBool::new(true));
        let flag = alive.clone();
        pools.watch(PoolName::Requests, move || {
            flag.load(Ordering::SeqCst).then_some(PoolStatus { max_size: 10, size: 3, idle: 1, waiting: 4 })
        });
        pools.record_acquire(PoolName::Requests, Duration::from_millis(3), true);
        pools.set_up(false);
        crate::testing::assert_renders(
            &registry,
            &[
                "db_pool_max_connections{pool=\"requests\"} 10",
                "db_pool_connections{pool=\"requests\",state=\"idle\"} 1",
                "db_pool_connections{pool=\"requests\",state=\"in_use\"} 2",
                "db_pool_waiting{pool=\"requests\"} 4",
                "db_pool_acquire_duration_seconds_count{pool=\"requests\"} 1",
                "db_pool_acquire_timeouts_total{pool=\"requests\"} 1",
                "db_up 0",
            ],
        );
        alive.store(false, Ordering::SeqCst);
        let text = super::super::render_registry(&registry);
        assert!(!text.contains("db_pool_connections{"), "{text}");
    }
}
