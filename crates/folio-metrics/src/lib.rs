//! Folio's Prometheus metrics, under the names the earlier platform's Grafana dashboards query.
//!
//! One [`Metrics`] value is shared by the whole process; the HTTP middleware, the storage layer,
//! the site and the outbox record into it, and `GET /api/metrics` renders it. Every label value
//! comes from a closed set.

mod labels;
mod names;
mod outbox;
mod pool;
mod runtime;
mod service;
mod site;
#[cfg(test)]
mod testing;

use std::time::{Duration, Instant};

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
    process_collector::ProcessCollector,
};

pub use labels::{Method, StatusCode};
pub use outbox::{AttemptOutcome, Backlog, OutboxMetrics};
pub use pool::{PoolMetrics, PoolName, PoolStatus};
pub use service::Service;
pub use site::{ApiEndpoint, ApiOutcome, CacheResult, SiteMetrics};

/// The content type Prometheus expects from a text exposition.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Latency buckets, in seconds, shared by HTTP and database histograms.
const BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process-wide registry and every metric Folio records.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Request counts, latencies and errors, labelled by route template.
    pub http: HttpMetrics,
    /// Query counts, latencies and errors, labelled by query type and table.
    pub db: DbMetrics,
    /// Page views of the site.
    pub pages: PageMetrics,
    /// The site's project cache and its calls to the API.
    pub site: SiteMetrics,
    /// The contact outbox: backlog by state, delivery attempts.
    pub outbox: OutboxMetrics,
}

/// HTTP request metrics.
#[derive(Debug, Clone)]
pub struct HttpMetrics {
    requests: IntCounterVec,
    duration: HistogramVec,
    errors: IntCounterVec,
}

/// Database query metrics.
#[derive(Debug, Clone)]
pub struct DbMetrics {
    duration: HistogramVec,
    queries: IntCounterVec,
    errors: IntCounterVec,
    /// The connection pools and database reachability.
    pub pool: PoolMetrics,
}

/// Site page views (`frontend_page_views_total`, see `names.rs`).
#[derive(Debug, Clone)]
pub struct PageMetrics {
    views: IntCounterVec,
}

impl Metrics {
    /// A registry carrying the uptime and info series of each given service, plus the HTTP,
    /// database, pool, page-view, site, outbox, `tokio_*` and `process_*` metrics.
    pub fn new(services: &[Service], version: &str, environment: &str) -> Self {
        let registry = Registry::new();
        let started = Instant::now();
        for service in services {
            service.register(&registry, started, version, environment);
        }
        register(&registry, ProcessCollector::for_self());
        register(&registry, runtime::Runtime::new());
        let http = HttpMetrics {
            requests: counter(
                &registry,
                "http_requests_total",
                "Total HTTP requests",
                &["method", "route", "status_code"],
            ),
            duration: histogram(
                &registry,
                "http_request_duration_seconds",
                "HTTP request duration in seconds",
                &["method", "route", "status_code"],
            ),
            errors: counter(
                &registry,
                "http_request_errors_total",
                "HTTP requests answered with an error status",
                &["method", "route", "status_code", "error_type"],
            ),
        };
        let db = DbMetrics {
            duration: histogram(
                &registry,
                "db_query_duration_seconds",
                "Database query duration in seconds",
                &["query_type", "table"],
            ),
            queries: counter(&registry, "db_queries_total", "Total database queries", &["query_type", "table"]),
            errors: counter(
                &registry,
                "db_query_errors_total",
                "Database queries that failed",
                &["query_type", "table", "error_type"],
            ),
            pool: PoolMetrics::new(&registry),
        };
        let pages =
            PageMetrics { views: counter(&registry, names::SITE_PAGE_VIEWS, "Site page views", &["page", "method"]) };
        let site = SiteMetrics::new(&registry);
        let outbox = OutboxMetrics::new(&registry);
        Self { registry, http, db, pages, site, outbox }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        render_registry(&self.registry)
    }
}

fn render_registry(registry: &Registry) -> String {
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut out)
        .expect("encoding metrics gathered from our own registry cannot fail");
    String::from_utf8(out).expect("the text encoder writes UTF-8")
}

impl HttpMetrics {
    /// Records one answered request. `route` is the router's template for the path (or a fixed
    /// name for no match), never the path itself; `error_type` is set for error statuses.
    pub fn record(
        &self,
        method: Method,
        route: &str,
        status: u16,
        elapsed: Duration,
        error_type: Option<&'static str>,
    ) {
        let status = StatusCode::new(status);
        let labels = [method.as_str(), route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.duration.with_label_values(&labels).observe(elapsed.as_secs_f64());
        if let Some(error_type) = error_type {
            self.errors.with_label_values(&[method.as_str(), route, status.as_str(), error_type]).inc();
        }
    }
}

impl DbMetrics {
    /// Records one query; `error_type` is set when it failed.
    pub fn record(&self, query_type: &str, table: &str, elapsed: Duration, error_type: Option<&str>) {
        let labels = [query_type, table];
        self.queries.with_label_values(&labels).inc();
        self.duration.with_label_values(&labels).observe(elapsed.as_secs_f64());
        if let Some(error_type) = error_type {
            self.errors.with_label_values(&[query_type, table, error_type]).inc();
        }
    }
}

impl PageMetrics {
    /// Records one view of a page, by its route template.
    pub fn record(&self, page: &str, method: Method) {
        self.views.with_label_values(&[page, method.as_str()]).inc();
    }
}

fn register<C: prometheus::core::Collector + 'static>(registry: &Registry, collector: C) {
    registry.register(Box::new(collector)).expect("each metric name is registered once");
}

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let metric = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric definition");
    register(registry, metric.clone());
    metric
}

fn histogram(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(BUCKETS.to_vec());
    let metric = HistogramVec::new(opts, labels).expect("valid metric definition");
    register(registry, metric.clone());
    metric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_dashboard_names_with_their_labels() {
        let metrics = Metrics::new(&[Service::Api], "1.2.3", "test");
        metrics.http.record(Method::Get, "/api/projects/{id}", 404, Duration::from_millis(3), Some("not_found"));
        metrics.db.record("select", "projects", Duration::from_millis(2), None);
        let text = metrics.render();
        for needle in [
            "# TYPE backend_uptime_seconds counter",
            "backend_info{environment=\"test\",version=\"1.2.3\"} 1",
            "http_requests_total{method=\"GET\",route=\"/api/projects/{id}\",status_code=\"404\"} 1",
            "http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/projects/{id}\",status_code=\"404\",le=\"0.005\"} 1",
            "http_request_errors_total{error_type=\"not_found\",method=\"GET\",route=\"/api/projects/{id}\",status_code=\"404\"} 1",
            "db_queries_total{query_type=\"select\",table=\"projects\"} 1",
            "db_query_duration_seconds_count{query_type=\"select\",table=\"projects\"} 1",
            "process_resident_memory_bytes",
            "process_cpu_seconds_total",
            "process_start_time_seconds",
            "process_open_fds",
        ] {
            assert!(text.contains(needle), "missing {needle} in\n{text}");
        }
        assert!(!text.contains("frontend_uptime_seconds"));
    }

    #[test]
    fn serve_mode_carries_both_services() {
        let text = Metrics::new(&[Service::Api, Service::Site], "1", "dev").render();
        assert!(text.contains("backend_uptime_seconds"));
        assert!(text.contains("frontend_info{environment=\"dev\",version=\"1\"} 1"));
    }
}
