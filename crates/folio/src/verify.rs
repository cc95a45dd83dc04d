//! `folio verify <BASE_URL>`: checks a running deployment from outside, as a person would after
//! a deploy: the site and its health, the API's health with the database connected, the project
//! list, metrics kept private, and on HTTPS the redirect from plain HTTP and the security
//! headers. Prints a table (or JSON) and exits non-zero when any check fails, so the deploy
//! pipeline can roll back on it.

use std::process::ExitCode;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use serde::Serialize;
use serde_json::Value;
use url::Url;

/// Options of `folio verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The deployment's public origin, e.g. https://folio.example.com: the site, with the API
    /// under /api.
    pub base_url: Url,
    /// Where the API answers when it is not under BASE_URL, e.g. a local `folio api` on another
    /// port.
    #[arg(long, value_name = "URL")]
    pub api_url: Option<Url>,
    /// Accept a publicly reachable /api/metrics (local runs; a deployment must hide it).
    #[arg(long)]
    pub allow_public_metrics: bool,
    /// Print the results as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// How long each request may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
}

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    /// Not applicable here (plain HTTP, or allowed by an option); does not fail the run.
    Skip,
}

/// One line of the report.
#[derive(Debug, Serialize)]
pub struct Check {
    pub name: String,
    pub outcome: Outcome,
    pub detail: String,
}

impl Check {
    fn new(name: &str, result: Result<String, String>) -> Self {
        let (outcome, detail) = match result {
            Ok(detail) => (Outcome::Pass, detail),
            Err(detail) => (Outcome::Fail, detail),
        };
        Self { name: name.to_owned(), outcome, detail }
    }

    fn skip(name: &str, why: impl Into<String>) -> Self {
        Self { name: name.to_owned(), outcome: Outcome::Skip, detail: why.into() }
    }
}

/// What one GET answered, or why it could not be made.
type Answer = Result<Fetched, String>;

#[derive(Debug)]
struct Fetched {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

/// Runs every check and reports; the exit code is what the pipeline reads.
pub async fn run(args: VerifyArgs) -> ExitCode {
    let site = match origin(&args.base_url, "BASE_URL") {
        Ok(url) => url,
        Err(message) => return usage_error(&message),
    };
    let api = match args.api_url.as_ref().map(|u| origin(u, "--api-url")).transpose() {
        Ok(url) => url.unwrap_or_else(|| site.clone()),
        Err(message) => return usage_error(&message),
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return usage_error("--timeout must be a positive number of seconds");
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs_f64(args.timeout))
        .user_agent(concat!("folio-verify/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("an HTTP client with built-in roots builds");

    let checks = checks(&client, &site, &api, args.allow_public_metrics).await;
    let failed = checks.iter().any(|c| c.outcome == Outcome::Fail);
    if args.json {
        let report =
            serde_json::json!({"baseUrl": site.as_str(), "apiUrl": api.as_str(), "ok": !failed, "checks": checks});
        crate::print(&format!("{report:#}\n"));
    } else {
        crate::print(&table(&site, &api, &checks));
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("folio verify: {message}");
    ExitCode::from(2)
}

/// An http(s) origin; paths are refused because every check uses absolute paths.
fn origin(url: &Url, what: &str) -> Result<Url, String> {
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("{what} must be an http:// or https:// URL, not {url}"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{what} must be an origin like https://folio.example.com, without a path: {url}"));
    }
    Ok(url.clone())
}

async fn checks(client: &reqwest::Client, site: &Url, api: &Url, allow_public_metrics: bool) -> Vec<Check> {
    let at = |base: &Url, path: &str| base.join(path).expect("an absolute path joins any origin");
    let (root, health, api_health, projects, metrics) = tokio::join!(
        get(client, at(site, "/")),
        get(client, at(site, "/health")),
        get(client, at(api, "/api/health")),
        get(client, at(api, "/api/projects")),
        get(client, at(api, "/api/metrics")),
    );
    let mut checks = vec![
        Check::new("site /", site_page(&root)),
        Check::new("site /health", site_health(&health)),
        Check::new("api /api/health", api_healthy(&api_health)),
        Check::new("api /api/projects", project_list(&projects)),
        if allow_public_metrics {
            Check::skip("api /api/metrics not public", "allowed by --allow-public-metrics")
        } else {
            Check::new("api /api/metrics not public", metrics_hidden(&metrics))
        },
    ];
    for (role, base) in [("site", site), ("api", api)] {
        if role == "api" && api == site {
            continue;
        }
        let name = format!("{role} http redirects to https");
        if base.scheme() == "https" {
            let mut plain = base.clone();
            plain.set_scheme("http").expect("https and http are both special schemes");
            plain.set_port(None).expect("an http URL with a host takes a port");
            checks.push(Check::new(&name, redirects_to_https(&get(client, plain).await)));
        } else {
            checks.push(Check::skip(&name, "not https"));
        }
    }
    for (name, base, answer, csp) in
        [("site security headers", site, &root, true), ("api security headers", api, &api_health, false)]
    {
        checks.push(if base.scheme() == "https" {
            Check::new(name, security_headers(answer, csp))
        } else {
            Check::skip(name, "not https")
        });
    }
    checks
}

async fn get(client: &reqwest::Client, url: Url) -> Answer {
    let described = url.to_string();
    let response = client.get(url).send().await.map_err(|e| format!("GET {described}: {}", chain(&e)))?;
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.text().await.map_err(|e| format!("GET {described}: reading the body: {}", chain(&e)))?;
    Ok(Fetched { status, headers, body })
}

/// An error with its causes, which is where reqwest says what actually went wrong.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn expect_status(answer: &Answer, wanted: StatusCode) -> Result<&Fetched, String> {
    let fetched = answer.as_ref().map_err(Clone::clone)?;
    if fetched.status != wanted {
        let body = fetched.body.split_whitespace().collect::<Vec<_>>().join(" ");
        let excerpt: String = body.chars().take(200).collect();
        return Err(format!("answered {}, expected {wanted}: {excerpt}", fetched.status));
    }
    Ok(fetched)
}

fn content_type(fetched: &Fetched) -> &str {
    fetched.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn json(fetched: &Fetched) -> Result<Value, String> {
    if !content_type(fetched).starts_with("application/json") {
        return Err(format!("content type is {:?}, not JSON", content_type(fetched)));
    }
    serde_json::from_str(&fetched.body).map_err(|e| format!("body is not JSON: {e}"))
}

fn site_page(answer: &Answer) -> Result<String, String> {
    let fetched = expect_status(answer, StatusCode::OK)?;
    let kind = content_type(fetched);
    if !kind.starts_with("text/html") {
        return Err(format!("content type is {kind:?}, not HTML"));
    }
    Ok(format!("200 {kind}, {} bytes", fetched.body.len()))
}

fn site_health(answer: &Answer) -> Result<String, String> {
    let body = json(expect_status(answer, StatusCode::OK)?)?;
    match body["service"].as_str() {
        Some("frontend") => Ok("200, service frontend".to_owned()),
        Some(other) => Err(format!("service is {other:?}, expected \"frontend\"")),
        None => Err("no \"service\" in the answer, expected \"frontend\"".to_owned()),
    }
}

fn api_healthy(answer: &Answer) -> Result<String, String> {
    let fetched = answer.as_ref().map_err(Clone::clone)?;
    let body = json(fetched)?;
    let (status, database) = (&body["status"], &body["database"]["status"]);
    if fetched.status == StatusCode::OK && status == "healthy" && database == "connected" {
        return Ok(format!("200, healthy, database connected, version {}", body["version"]));
    }
    Err(format!("answered {}: status {status}, database {database}", fetched.status))
}

fn project_list(answer: &Answer) -> Result<String, String> {
    match json(expect_status(answer, StatusCode::OK)?)? {
        Value::Array(projects) => Ok(format!("200, {} projects", projects.len())),
        other => Err(format!("expected a JSON array, got {}", folio_api::json_kind(&other))),
    }
}

fn metrics_hidden(answer: &Answer) -> Result<String, String> {
    let fetched = answer.as_ref().map_err(Clone::clone)?;
    match fetched.status {
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => Ok(format!("answered {}", fetched.status)),
        other => Err(format!("answered {other}: metrics are reachable from outside (expected 403 or 404)")),
    }
}

fn redirects_to_https(answer: &Answer) -> Result<String, String> {
    let fetched = answer.as_ref().map_err(Clone::clone)?;
    let location = fetched.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    if fetched.status.is_redirection() && location.starts_with("https://") {
        return Ok(format!("{} to {location}", fetched.status));
    }
    Err(format!("answered {} with Location {location:?}, expected a redirect to https://", fetched.status))
}

fn security_headers(answer: &Answer, with_csp: bool) -> Result<String, String> {
    let fetched = answer.as_ref().map_err(Clone::clone)?;
    let value = |name: &header::HeaderName| fetched.headers.get(name).and_then(|v| v.to_str().ok());
    let mut missing = Vec::new();
    if value(&header::STRICT_TRANSPORT_SECURITY).is_none_or(|v| !v.contains("max-age=")) {
        missing.push("Strict-Transport-Security");
    }
    if value(&header::X_CONTENT_TYPE_OPTIONS) != Some("nosniff") {
        missing.push("X-Content-Type-Options: nosniff");
    }
    if value(&header::REFERRER_POLICY).is_none() {
        missing.push("Referrer-Policy");
    }
    if with_csp && value(&header::CONTENT_SECURITY_POLICY).is_none() {
        missing.push("Content-Security-Policy");
    }
    if missing.is_empty() { Ok("present".to_owned()) } else { Err(format!("missing: {}", missing.join(", "))) }
}

/// The readable report: one line per check and a count.
pub fn table(site: &Url, api: &Url, checks: &[Check]) -> String {
    let mut out = format!("folio verify {site} (API at {api})\n");
    let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for check in checks {
        let label = match check.outcome {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIP",
        };
        out.push_str(&format!("{label}  {:<width$}  {}\n", check.name, check.detail));
    }
    let count = |o: Outcome| checks.iter().filter(|c| c.outcome == o).count();
    out.push_str(&format!(
        "{} of {} checks passed ({} failed, {} skipped)\n",
        count(Outcome::Pass),
        checks.len(),
        count(Outcome::Fail),
        count(Outcome::Skip)
    ));
    out
}

#[cfg(test)]
mod tests;
