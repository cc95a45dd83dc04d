//! Logging: JSON lines in containers, readable text on a terminal; `RUST_LOG` filters.
//!
//! Lines are written by a thread of their own (`tracing_appender`), through a buffer flushed
//! whenever no line is waiting: under load one `write` carries many lines, where writing each
//! to stdout from the request's thread cost a system call per request (a sixth of the CPU time
//! of a prerendered page in a profile). Nothing is dropped: a full queue makes the logging
//! thread wait, as a slow stdout did before. The queue holds [`QUEUED_LINES`] lines: the
//! crate's default (128,000) preallocates some 4 MB that a burst never needs.

use std::io::{BufWriter, stdout};

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::LogFormat;

/// The filter when `RUST_LOG` is not set: our own events at INFO, libraries at WARN.
const DEFAULT_FILTER: &str = "warn,folio=info,folio_api=info,folio_store=info,folio_site=info";

/// Lines a burst may queue before a request's thread waits for the writer.
const QUEUED_LINES: usize = 4096;

/// Installs the global subscriber. Call once, before anything logs, and keep what it returns
/// until the process is done logging: dropping it writes what is still queued.
#[must_use = "lines still queued are lost when the guard is dropped early"]
pub fn init(format: LogFormat) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(QUEUED_LINES)
        .thread_name("folio-log")
        .finish(BufWriter::new(stdout()));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_span_events(FmtSpan::NONE).with_writer(writer);
    let installed = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
    // A second initialisation (tests that start several servers) keeps the first subscriber.
    installed.is_ok().then_some(guard)
}
