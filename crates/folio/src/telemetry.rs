//! Logging: JSON lines in containers, readable text on a terminal; `RUST_LOG` filters.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::LogFormat;

/// The filter when `RUST_LOG` is not set: our own events at INFO, libraries at WARN.
const DEFAULT_FILTER: &str = "warn,folio=info,folio_api=info,folio_store=info,folio_site=info";

/// Installs the global subscriber. Call once, before anything logs.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_span_events(FmtSpan::NONE);
    // A second initialisation (tests that start several servers) is harmless; keep the first.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}
