//! `folio healthcheck`: GET this process's own health URL, built from the same `HOST`, `PORT`
//! and role as the server, and exit 0 on 200. The container and ECS health check; no curl.
//!
//! With `--liveness`, a 503 that only reports the database as unreachable also counts as
//! alive: the process answers and will recover by itself when the database returns, and
//! replacing it (what an orchestrator does with an unhealthy container) cannot fix a shared
//! database. ECS uses this; load balancers and humans read `/api/health` itself.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use crate::config::{Env, Listen, Role};

/// How long the probe waits for an answer.
const TIMEOUT: Duration = Duration::from_secs(3);

/// The URL the health check probes for `role`.
pub fn url(listen: Listen, role: Role) -> String {
    format!("http://{}{}", address(listen), role.health_path())
}

/// Where the server listening as `listen` is reached from this machine.
fn address(listen: Listen) -> SocketAddr {
    let host = match listen.host {
        IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    };
    SocketAddr::new(host, listen.port)
}

/// Why the probe got no answer, in a few words: "connection refused on 127.0.0.1:3001" rather
/// than reqwest's "error sending request for url"; otherwise every cause, outermost first.
fn why(error: &reqwest::Error, address: SocketAddr) -> String {
    if error.is_timeout() {
        return format!("no answer from {address} within {} s", TIMEOUT.as_secs());
    }
    let mut causes = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused) {
            return format!("connection refused on {address}");
        }
        causes.push(cause.to_string());
        source = cause.source();
    }
    causes.join(": ")
}

/// Probes and reports; the exit code is what the orchestrator reads.
pub async fn run(role: Role, liveness: bool, mut env: Env) -> ExitCode {
    let listen = Listen::load(&mut env, role);
    if let Err(errors) = env.finish() {
        eprintln!("{errors}");
        return ExitCode::from(2);
    }
    let url = url(listen, role);
    let client = reqwest::Client::builder().timeout(TIMEOUT).build().expect("a plain HTTP client builds");
    match client.get(&url).send().await {
        Ok(response) if response.status() == reqwest::StatusCode::OK => {
            crate::print(&format!("healthy: {url}\n"));
            ExitCode::SUCCESS
        }
        Ok(response) => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            if liveness && status == reqwest::StatusCode::SERVICE_UNAVAILABLE && only_database_down(&body) {
                crate::print(&format!("alive, database unavailable: {url}\n"));
                return ExitCode::SUCCESS;
            }
            eprintln!("unhealthy: {url} answered {status}: {body}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("unhealthy: {url}: {}", why(&error, address(listen)));
            ExitCode::FAILURE
        }
    }
}

/// True for Folio's own health body reporting nothing worse than an unreachable database.
fn only_database_down(body: &str) -> bool {
    let Ok(health) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    health["status"] == "unhealthy" && health["database"]["status"] == "error"
}
