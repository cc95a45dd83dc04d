//! `folio verify` run as a command against a real API on PostgreSQL and a stub site.
//!
//! The site role is not in this crate yet, so a small axum app stands in for it, serving `/` and
//! `/health` the way the site will; `--api-url` points the API checks at the real `folio api`,
//! which is how the two run side by side in ECS. The HTTPS-only checks are unit tests in
//! `src/verify/tests.rs`: nothing here can present a publicly trusted certificate.

use std::net::SocketAddr;
use std::process::Output;
use std::time::Duration;

use crate::common::{ADMIN_TOKEN, DatabaseKind, TestApp, spawn, spawn_with};
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use folio::config::Role;
use folio::server::{ServerLimits, serve};
use folio_testkit::PgCluster;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A stand-in for the site role; it stops when the returned sender is dropped.
async fn stub_site(service: &'static str) -> (SocketAddr, oneshot::Sender<()>) {
    let page = || async {
        ([(header::CONTENT_SECURITY_POLICY, "default-src 'self'")], Html("<!doctype html><title>Folio</title>"))
            .into_response()
    };
    let health = move || async move { axum::Json(json!({"status": "ok", "service": service})) };
    let router = Router::new().route("/", get(page)).route("/health", get(health));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the stub site");
    let address = listener.local_addr().expect("bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    let limits = ServerLimits { idle_timeout: Duration::from_secs(5), shutdown_grace: Duration::from_secs(1) };
    tokio::spawn(serve(listener, router, limits, async {
        let _ = stopped.await;
    }));
    (address, stop)
}

/// Runs the `folio` binary's verify command against `site` and `api`.
async fn verify(site: SocketAddr, api: &TestApp, extra: &[&str]) -> Output {
    let mut args = vec!["verify".to_owned(), format!("http://{site}"), "--api-url".into(), api.url("/")];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_folio")).args(&args).output().expect("run folio verify")
    })
    .await
    .expect("verify process")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The table line of the check called `name`.
fn line<'a>(table: &'a str, name: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.get(6..).is_some_and(|rest| rest.starts_with(&format!("{name}  "))))
        .unwrap_or_else(|| panic!("no line for {name:?} in:\n{table}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_deployment_passes_every_check_and_exits_zero() {
    let api = spawn(DatabaseKind::Postgres, &[]).await;
    api.create_project(TestApp::project("Folio")).await;
    let (site, _site) = stub_site("frontend").await;

    let output = verify(site, &api, &["--allow-public-metrics"]).await;
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{table}{}", String::from_utf8_lossy(&output.stderr));
    assert!(line(&table, "site /").starts_with("PASS"), "{table}");
    assert!(line(&table, "site /health").starts_with("PASS"), "{table}");
    assert!(line(&table, "api /api/health").contains("database connected"), "{table}");
    assert!(line(&table, "api /api/projects").contains("1 projects"), "{table}");
    assert!(line(&table, "api /api/metrics not public").starts_with("SKIP"), "{table}");
    assert!(line(&table, "site http redirects to https").starts_with("SKIP  site http redirects to https  not https"));
    assert!(table.contains("(0 failed, 5 skipped)"), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_stopped_verify_fails_and_names_the_failed_checks() {
    let cluster = PgCluster::start();
    let env = vec![("DATABASE_URL".into(), cluster.info().url("postgres")), ("ADMIN_TOKEN".into(), ADMIN_TOKEN.into())];
    let api = spawn_with(Role::Api, env, Box::new(()), &[]).await;
    let (site, _site) = stub_site("frontend").await;
    cluster.stop();

    let output = verify(site, &api, &["--allow-public-metrics"]).await;
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}");
    let health = line(&table, "api /api/health");
    assert!(health.starts_with("FAIL"), "{table}");
    assert!(health.contains("503"), "{health}");
    assert!(health.contains("\"unhealthy\""), "{health}");
    assert!(line(&table, "api /api/projects").starts_with("FAIL"), "{table}");
    assert!(line(&table, "site /health").starts_with("PASS"), "the site does not need the database: {table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_metrics_fail_unless_allowed() {
    let api = spawn(DatabaseKind::Sqlite, &[]).await;
    let (site, _site) = stub_site("frontend").await;

    let output = verify(site, &api, &[]).await;
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}");
    let metrics = line(&table, "api /api/metrics not public");
    assert!(metrics.starts_with("FAIL") && metrics.contains("200"), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_reports_each_check_and_a_wrong_site_health() {
    let api = spawn(DatabaseKind::Sqlite, &[]).await;
    let (site, _site) = stub_site("backend").await;

    let output = verify(site, &api, &["--allow-public-metrics", "--json"]).await;
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(report["ok"], false);
    let checks = report["checks"].as_array().expect("checks");
    let outcome = |name: &str| {
        let check = checks.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name} in {report}"));
        (check["outcome"].as_str().unwrap_or_default().to_owned(), check["detail"].to_string())
    };
    let (site_health, detail) = outcome("site /health");
    assert_eq!(site_health, "fail");
    assert!(detail.contains("backend"), "{detail}");
    assert_eq!(outcome("api /api/health").0, "pass");
    assert_eq!(outcome("site security headers").0, "skip");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_site_fails_within_the_timeout_and_says_why() {
    let api = spawn(DatabaseKind::Sqlite, &[]).await;
    let closed = TcpListener::bind("127.0.0.1:0").await.expect("bind").local_addr().expect("address");

    let started = std::time::Instant::now();
    let output = verify(closed, &api, &["--allow-public-metrics", "--timeout", "2"]).await;
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert!(line(&table, "site /").contains("Connection refused"), "{table}");
}

/// `folio verify … --json | true` (a reader that leaves before the report) used to panic with
/// "failed printing to stdout: Broken pipe" and exit 101.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_leaving_early_gets_no_panic_and_the_exit_code_still_tells() {
    let api = spawn(DatabaseKind::Sqlite, &[]).await;
    let (site, _stop) = stub_site("frontend").await;
    let args = ["verify".to_owned(), format!("http://{site}"), "--api-url".into(), api.url("/"), "--json".into()];
    let output = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run folio verify");
        drop(child.stdout.take());
        child.wait_with_output().expect("verify process")
    })
    .await
    .expect("verify process");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "the public metrics check fails, as the exit code says: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_base_url_with_a_path_is_a_usage_error() {
    let output = tokio::task::spawn_blocking(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["verify", "https://folio.example.com/api"])
            .output()
            .expect("run folio verify")
    })
    .await
    .expect("verify process");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("without a path"));
}
