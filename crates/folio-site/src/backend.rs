//! What the site needs from the API, as one trait with two implementations: in `serve` mode
//! the API in the same process (see the `folio` crate), in `web` mode the API over HTTP at
//! `API_URL` ([`HttpBackend`]). The site never talks to the database.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use folio_domain::client::FORWARDED_FOR_IGNORED;
use folio_domain::contact::{EMAIL_MAX_CHARS, MESSAGE_MAX_CHARS, NAME_MAX_CHARS, SUBJECT_MAX_CHARS};
use folio_domain::{NewContactMessage, Project};
use folio_metrics::{ApiEndpoint, ApiOutcome, SiteMetrics};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The contact form's fields as the visitor sent them (validated by the API).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ContactFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub message: String,
    /// The honeypot; people never see it.
    #[serde(default)]
    pub website: String,
}

impl ContactFields {
    /// A field by its form name, as the domain's validation reads them.
    pub fn field(&self, name: &str) -> Option<String> {
        Some(match name {
            "name" => self.name.clone(),
            "email" => self.email.clone(),
            "subject" => self.subject.clone(),
            "message" => self.message.clone(),
            "website" => self.website.clone(),
            _ => return None,
        })
    }

    /// The fields cut to the longest each may be, to show back in the form: the visitor keeps
    /// what they typed, and no page echoes more than the form accepts.
    pub fn bounded(&self) -> Self {
        let cut = |text: &str, max: usize| text.chars().take(max).collect::<String>();
        Self {
            name: cut(&self.name, NAME_MAX_CHARS),
            email: cut(&self.email, EMAIL_MAX_CHARS),
            subject: cut(&self.subject, SUBJECT_MAX_CHARS),
            message: cut(&self.message, MESSAGE_MAX_CHARS),
            website: String::new(),
        }
    }
}

/// The API could not be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BackendError {
    #[error("the API did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the API is unavailable: {0}")]
    Unavailable(String),
}

/// Why a contact submission was not accepted.
#[derive(Debug, Clone)]
pub enum SubmitError {
    /// One message per problem, each starting with the field's name.
    Invalid(Vec<String>),
    /// Too many messages from this client; try again after this long.
    RateLimited(Duration),
    /// The message could not be stored.
    Unavailable(String),
}

/// The API, as the site uses it.
#[async_trait]
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// Active projects, in listing order.
    async fn projects(&self) -> Result<Arc<Vec<Project>>, BackendError>;

    /// Hands a contact form to the API on behalf of `client`.
    async fn submit_contact(&self, fields: ContactFields, client: IpAddr) -> Result<(), SubmitError>;
}

/// The API over HTTP (`folio web` with `API_URL`).
#[derive(Debug, Clone)]
pub struct HttpBackend {
    base: url::Url,
    client: reqwest::Client,
    timeout: Duration,
    /// Set once the API was seen ignoring the visitors' addresses (and that was logged).
    forwarding_warned: Arc<AtomicBool>,
}

/// The address [`HttpBackend::check_forwarding`] forwards: TEST-NET-1, nobody's.
const PROBE_CLIENT: &str = "192.0.2.1";

impl HttpBackend {
    /// An API at `base` (e.g. `http://api.folio.internal:3001`), each call bounded by `timeout`.
    pub fn new(base: url::Url, timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // Cloud Map names change as tasks come and go: do not keep connections for long.
            .pool_idle_timeout(Duration::from_secs(15))
            .build()
            .expect("a plain HTTP client builds");
        Self { base, client, timeout, forwarding_warned: Arc::default() }
    }

    /// Asks the API whether it believes the visitors' addresses this site forwards (it does when
    /// this site's address is in its `TRUSTED_PROXIES`), retrying for a minute while it cannot
    /// be reached, and logs the answer: when it does not, every visitor shares one contact rate
    /// limit.
    pub async fn check_forwarding(&self) {
        for _ in 0..30 {
            let probe = self.client.get(self.url("/api/health")).header("x-forwarded-for", PROBE_CLIENT);
            match probe.send().await {
                Ok(response) => {
                    if !self.note_forwarding(&response) {
                        tracing::info!(api = %self.base, "the API believes the visitors' addresses this site forwards");
                    }
                    return;
                }
                Err(_) => tokio::time::sleep(Duration::from_secs(2)).await,
            }
        }
        tracing::warn!(api = %self.base, "the API could not be reached to check that it believes forwarded addresses");
    }

    /// Whether the API said it ignored the forwarded address; warns the first time.
    fn note_forwarding(&self, response: &reqwest::Response) -> bool {
        let ignored = response.headers().contains_key(FORWARDED_FOR_IGNORED);
        if ignored && !self.forwarding_warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                api = %self.base,
                "the API ignores the visitors' addresses this site forwards, so every visitor shares one contact \
                 rate limit: add this site's address to the API's TRUSTED_PROXIES"
            );
        }
        ignored
    }

    fn url(&self, path: &str) -> url::Url {
        self.base.join(path).expect("a relative API path joins any base URL")
    }

    fn failure(&self, error: &reqwest::Error) -> BackendError {
        if error.is_timeout() {
            BackendError::Timeout(self.timeout)
        } else {
            BackendError::Unavailable(error.to_string())
        }
    }
}

#[async_trait]
impl Backend for HttpBackend {
    async fn projects(&self) -> Result<Arc<Vec<Project>>, BackendError> {
        let url = self.url("/api/projects");
        // A task of the API may have just gone away; one retry reaches another.
        let response = match self.client.get(url.clone()).send().await {
            Err(error) if error.is_connect() => self.client.get(url).send().await,
            other => other,
        }
        .map_err(|e| self.failure(&e))?;
        if response.status() != StatusCode::OK {
            return Err(BackendError::Unavailable(format!("GET /api/projects answered {}", response.status())));
        }
        response.json().await.map(Arc::new).map_err(|e| BackendError::Unavailable(format!("GET /api/projects: {e}")))
    }

    async fn submit_contact(&self, fields: ContactFields, client: IpAddr) -> Result<(), SubmitError> {
        // The API's rules, checked here first, so that a message it would refuse field by field
        // gets the same answer as in `serve`, however large (the API might refuse its JSON
        // whole, as too large, and that would tell the visitor nothing).
        NewContactMessage::from_form(|name| fields.field(name))
            .map_err(|errors| SubmitError::Invalid(errors.into_messages()))?;
        let body = json!({
            "name": fields.name, "email": fields.email, "subject": fields.subject,
            "message": fields.message, "website": fields.website,
        });
        let response = self
            .client
            .post(self.url("/api/contact"))
            .header("x-forwarded-for", client.to_string())
            .json(&body)
            .send()
            .await
            .map_err(|e| SubmitError::Unavailable(self.failure(&e).to_string()))?;
        self.note_forwarding(&response);
        let status = response.status();
        let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
        match status {
            StatusCode::CREATED => Ok(()),
            StatusCode::TOO_MANY_REQUESTS => {
                Err(SubmitError::RateLimited(Duration::from_secs(retry_after.unwrap_or(60))))
            }
            StatusCode::BAD_REQUEST => {
                let body: Value = response.json().await.unwrap_or_default();
                Err(SubmitError::Invalid(match &body["message"] {
                    Value::String(one) => vec![one.clone()],
                    Value::Array(many) => many.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect(),
                    _ => vec!["message could not be checked".to_owned()],
                }))
            }
            other => Err(SubmitError::Unavailable(format!("POST /api/contact answered {other}"))),
        }
    }
}

/// Any backend, with each call counted and timed (`frontend_api_calls_total`,
/// `frontend_api_call_duration_seconds`): in `web` mode these are the site's HTTP calls to the
/// API, in `serve` mode the same calls answered in-process.
#[derive(Debug)]
pub struct MeteredBackend {
    inner: Arc<dyn Backend>,
    metrics: SiteMetrics,
}

impl MeteredBackend {
    /// Wraps `inner`, recording into `metrics`.
    pub fn new(inner: Arc<dyn Backend>, metrics: SiteMetrics) -> Self {
        Self { inner, metrics }
    }
}

#[async_trait]
impl Backend for MeteredBackend {
    async fn projects(&self) -> Result<Arc<Vec<Project>>, BackendError> {
        let started = Instant::now();
        let result = self.inner.projects().await;
        let outcome = match &result {
            Ok(_) => ApiOutcome::Ok,
            Err(BackendError::Timeout(_)) => ApiOutcome::Timeout,
            Err(BackendError::Unavailable(_)) => ApiOutcome::Unavailable,
        };
        self.metrics.record_call(ApiEndpoint::Projects, outcome, started.elapsed());
        result
    }

    async fn submit_contact(&self, fields: ContactFields, client: IpAddr) -> Result<(), SubmitError> {
        let started = Instant::now();
        let result = self.inner.submit_contact(fields, client).await;
        let outcome = match &result {
            Ok(()) => ApiOutcome::Ok,
            Err(SubmitError::Invalid(_) | SubmitError::RateLimited(_)) => ApiOutcome::Refused,
            Err(SubmitError::Unavailable(_)) => ApiOutcome::Unavailable,
        };
        self.metrics.record_call(ApiEndpoint::Contact, outcome, started.elapsed());
        result
    }
}
