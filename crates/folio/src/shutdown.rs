//! The signals that begin a graceful shutdown: SIGTERM (ECS, Docker, Kubernetes) and SIGINT
//! (Ctrl-C).

use tokio::signal::unix::{SignalKind, signal};

/// Completes when SIGTERM or SIGINT arrives.
pub async fn signal_received() {
    let mut term = signal(SignalKind::terminate()).expect("install the SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("install the SIGINT handler");
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    tracing::info!(signal = name, "shutdown requested");
}
