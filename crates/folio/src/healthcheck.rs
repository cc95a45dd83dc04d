//! `folio healthcheck`: GET this process's own health URL, built from the same `HOST`, `PORT`
//! and role as the server, and exit 0 on 200. The container and ECS health check; no curl.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use crate::config::{Env, Listen, Role};

/// How long the probe waits for an answer.
const TIMEOUT: Duration = Duration::from_secs(3);

/// The URL the health check probes for `role`.
pub fn url(listen: Listen, role: Role) -> String {
    let host = match listen.host {
        IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    };
    format!("http://{}{}", SocketAddr::new(host, listen.port), role.health_path())
}

/// Probes and reports; the exit code is what the orchestrator reads.
pub async fn run(role: Role, mut env: Env) -> ExitCode {
    let listen = Listen::load(&mut env, role);
    if let Err(errors) = env.finish() {
        eprintln!("{errors}");
        return ExitCode::from(2);
    }
    let url = url(listen, role);
    let client = reqwest::Client::builder().timeout(TIMEOUT).build().expect("a plain HTTP client builds");
    match client.get(&url).send().await {
        Ok(response) if response.status() == reqwest::StatusCode::OK => {
            println!("healthy: {url}");
            ExitCode::SUCCESS
        }
        Ok(response) => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            eprintln!("unhealthy: {url} answered {status}: {body}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("unhealthy: {url}: {error}");
            ExitCode::FAILURE
        }
    }
}
