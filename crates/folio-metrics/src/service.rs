//! Per-service series: `<service>_uptime_seconds` and `<service>_info{version,environment}`.

use std::collections::HashMap;
use std::time::Instant;

use prometheus::core::{Collector, Desc};
use prometheus::proto::{Counter, Metric, MetricFamily, MetricType};
use prometheus::{IntGaugeVec, Opts, Registry};

/// Which part of Folio a process serves; its series are named by
/// [`Service::external_name`] (see `names.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// The API.
    Api,
    /// The site.
    Site,
}

impl Service {
    pub(crate) fn register(self, registry: &Registry, started: Instant, version: &str, environment: &str) {
        let prefix = self.external_name();
        let uptime = Uptime::new(&format!("{prefix}_uptime_seconds"), started);
        super::register(registry, uptime);
        let info = IntGaugeVec::new(
            Opts::new(format!("{prefix}_info"), format!("{prefix} application information")),
            &["version", "environment"],
        )
        .expect("valid metric definition");
        info.with_label_values(&[version, environment]).set(1);
        super::register(registry, info);
    }
}

/// Seconds since start, computed at scrape time; a counter, as the earlier platform typed it.
#[derive(Debug)]
struct Uptime {
    desc: Desc,
    started: Instant,
}

impl Uptime {
    fn new(name: &str, started: Instant) -> Self {
        let desc = Desc::new(name.to_owned(), "Application uptime in seconds".to_owned(), Vec::new(), HashMap::new())
            .expect("valid metric definition");
        Self { desc, started }
    }
}

impl Collector for Uptime {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.desc]
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let mut counter = Counter::default();
        counter.set_value(self.started.elapsed().as_secs_f64());
        let mut metric = Metric::default();
        metric.set_counter(counter);
        let mut family = MetricFamily::default();
        family.set_name(self.desc.fq_name.clone());
        family.set_help(self.desc.help.clone());
        family.set_field_type(MetricType::COUNTER);
        family.set_metric(vec![metric]);
        vec![family]
    }
}
