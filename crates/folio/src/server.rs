//! The HTTP/1.1 server loop: accept, serve each connection with hyper, and on shutdown stop
//! accepting, let in-flight requests finish for a bounded time, then close.
//!
//! Written on hyper directly (rather than `axum::serve`) for the header read timeout, which
//! bounds slow clients (slowloris) and idle keep-alive connections, and for closing
//! connections so that clients still sending read the answer (see `linger.rs`).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::linger::Lingering;

/// Largest request head (request line and headers) accepted; larger ones, or more than 100
/// headers, get 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Connection limits and time bounds.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// How long a client may take to send a request's headers, and how long an idle
    /// keep-alive connection is kept (hyper measures both with one timer).
    pub idle_timeout: Duration,
    /// How long in-flight requests may take to finish after shutdown begins.
    pub shutdown_grace: Duration,
}

/// Serves `app` on `listener` until `shutdown` completes, then drains.
pub async fn serve(listener: TcpListener, app: Router, limits: ServerLimits, shutdown: impl Future<Output = ()>) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.idle_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_headers(100);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Usually EMFILE under a connection flood: pause instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small responses go out at once rather than waiting for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(Lingering::new(stream)), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }

    drop(listener);
    tracing::info!(grace_seconds = limits.shutdown_grace.as_secs_f64(), "shutting down: no new connections, draining");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections drained"),
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("drain time exceeded; closing the remaining connections");
        }
    }
}

/// The address clients of `listener` should use.
pub fn local_addr(listener: &TcpListener) -> SocketAddr {
    listener.local_addr().expect("a bound listener has an address")
}
