//! The Tokio runtime, read at scrape time: Folio's counterpart of the Node.js event-loop
//! panels of the earlier platform. Only Tokio's stable metrics are used (no `tokio_unstable`).

use std::sync::Mutex;

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Counter, IntGauge};

/// `tokio_workers`, `tokio_alive_tasks`, `tokio_global_queue_depth` and
/// `tokio_worker_busy_seconds_total`, from the runtime that serves the scrape.
pub(crate) struct Runtime {
    /// Serialises scrapes: the busy counter follows Tokio's total by adding the difference.
    turn: Mutex<()>,
    workers: IntGauge,
    tasks: IntGauge,
    queue: IntGauge,
    busy: Counter,
}

impl Runtime {
    pub(crate) fn new() -> Self {
        let gauge = |name: &str, help: &str| IntGauge::new(name, help).expect("valid metric definition");
        Self {
            turn: Mutex::default(),
            workers: gauge("tokio_workers", "Worker threads of the Tokio runtime"),
            tasks: gauge("tokio_alive_tasks", "Tasks alive in the Tokio runtime (requests, connections, workers)"),
            queue: gauge("tokio_global_queue_depth", "Tasks waiting in the runtime's global queue for a worker"),
            busy: Counter::new(
                "tokio_worker_busy_seconds_total",
                "Time the runtime's workers spent running tasks, summed over workers",
            )
            .expect("valid metric definition"),
        }
    }
}

impl Collector for Runtime {
    fn desc(&self) -> Vec<&Desc> {
        [self.workers.desc(), self.tasks.desc(), self.queue.desc(), self.busy.desc()].concat()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        // Outside a runtime (a unit test rendering directly) there is nothing to report.
        let Ok(handle) = tokio::runtime::Handle::try_current() else { return Vec::new() };
        let _turn = self.turn.lock().expect("runtime metrics lock");
        let metrics = handle.metrics();
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.workers.set(count(metrics.num_workers()));
        self.tasks.set(count(metrics.num_alive_tasks()));
        self.queue.set(count(metrics.global_queue_depth()));
        let busy: f64 = (0..metrics.num_workers()).map(|w| metrics.worker_total_busy_duration(w).as_secs_f64()).sum();
        // Tokio's busy time only grows; the counter follows it.
        self.busy.inc_by((busy - self.busy.get()).max(0.0));
        [self.workers.collect(), self.tasks.collect(), self.queue.collect(), self.busy.collect()].concat()
    }
}

#[cfg(test)]
mod tests {
    use prometheus::Registry;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_serving_runtime_is_described() {
        let registry = Registry::new();
        registry.register(Box::new(Runtime::new())).expect("register");
        let text = super::super::render_registry(&registry);
        assert!(text.contains("tokio_workers 2"), "{text}");
        for name in ["tokio_alive_tasks", "tokio_global_queue_depth", "tokio_worker_busy_seconds_total"] {
            assert!(text.contains(&format!("# TYPE {name}")), "missing {name} in\n{text}");
        }
    }

    #[test]
    fn outside_a_runtime_nothing_is_reported() {
        let registry = Registry::new();
        registry.register(Box::new(Runtime::new())).expect("register");
        assert!(!super::super::render_registry(&registry).contains("tokio_"));
    }
}
