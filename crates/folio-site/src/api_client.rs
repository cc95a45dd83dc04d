//! The use cases the site needs, over HTTP to the API at `API_URL` (`folio site`): the same
//! traits the core's services implement in-process in `serve`, so the site's pages and form
//! cannot tell the two apart. The site never talks to the database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use folio_core::{
    ActiveProjects, Channel, ClientIp, Contact, ContactError, ContactForm, FieldErrors, Notified, Project, SiteContent,
    SiteContentSource, Unavailable,
};
use folio_http::FORWARDED_FOR_IGNORED;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The API over HTTP.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: url::Url,
    client: reqwest::Client,
    timeout: Duration,
    /// Set once the API was seen ignoring the visitors' addresses (and that was logged).
    forwarding_warned: Arc<AtomicBool>,
}

/// The address [`ApiClient::check_forwarding`] forwards: TEST-NET-1, nobody's.
const PROBE_CLIENT: &str = "192.0.2.1";

impl ApiClient {
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

    fn failure(&self, error: &reqwest::Error) -> Unavailable {
        if error.is_timeout() {
            Unavailable::Remote { timed_out: true, why: format!("the API did not answer within {:?}", self.timeout) }
        } else {
            Unavailable::Remote { timed_out: false, why: format!("the API is unavailable: {error}") }
        }
    }
}

/// The API answered, but not with what was asked for.
fn refused(what: &str, status: StatusCode) -> Unavailable {
    Unavailable::Remote { timed_out: false, why: format!("the API is unavailable: {what} answered {status}") }
}

impl ApiClient {
    /// `GET path`, read as JSON.
    async fn read<T: serde::de::DeserializeOwned>(&self, path: &'static str) -> Result<T, Unavailable> {
        let url = self.url(path);
        // A task of the API may have just gone away; one retry reaches another.
        let response = match self.client.get(url.clone()).send().await {
            Err(error) if error.is_connect() => self.client.get(url).send().await,
            other => other,
        }
        .map_err(|e| self.failure(&e))?;
        if response.status() != StatusCode::OK {
            return Err(refused(&format!("GET {path}"), response.status()));
        }
        response.json().await.map_err(|e| Unavailable::Remote {
            timed_out: false,
            why: format!("the API is unavailable: GET {path}: {e}"),
        })
    }
}

#[async_trait]
impl ActiveProjects for ApiClient {
    async fn active(&self) -> Result<Arc<Vec<Project>>, Unavailable> {
        self.read("/api/projects").await.map(Arc::new)
    }
}

#[async_trait]
impl SiteContentSource for ApiClient {
    async fn site_content(&self) -> Result<Arc<SiteContent>, Unavailable> {
        self.read("/api/site").await.map(Arc::new)
    }
}

#[async_trait]
impl Contact for ApiClient {
    async fn submit(&self, form: ContactForm, channel: Channel, client: ClientIp) -> Result<Notified, ContactError> {
        // The core's rules, checked here first, so that a message the API would refuse field by
        // field gets the same answer as in `serve`, however large (the API might refuse its JSON
        // whole, as too large, and that would tell the visitor nothing). The API itself applies
        // its own channel's rules to what is sent.
        form.parse(channel).map_err(ContactError::Invalid)?;
        let body = json!({
            "name": form.name, "email": form.email, "subject": form.subject,
            "message": form.message, "website": form.website,
        });
        let response = self
            .client
            .post(self.url("/api/contact"))
            .header("x-forwarded-for", client.0.to_string())
            .json(&body)
            .send()
            .await
            .map_err(|e| ContactError::Unavailable(self.failure(&e)))?;
        self.note_forwarding(&response);
        let status = response.status();
        let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
        match status {
            // An API from before the answer said how the owner is told: it e-mailed or nothing.
            StatusCode::CREATED => {
                let body: Value = response.json().await.unwrap_or_default();
                Ok(if body["notified"] == "inbox" { Notified::Inbox } else { Notified::Email })
            }
            StatusCode::TOO_MANY_REQUESTS => {
                Err(ContactError::RateLimited(Duration::from_secs(retry_after.unwrap_or(60))))
            }
            StatusCode::BAD_REQUEST => {
                let body: Value = response.json().await.unwrap_or_default();
                Err(ContactError::Invalid(FieldErrors::from(match &body["message"] {
                    Value::String(one) => vec![one.clone()],
                    Value::Array(many) => many.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect(),
                    _ => vec!["message could not be checked".to_owned()],
                })))
            }
            other => Err(ContactError::Unavailable(refused("POST /api/contact", other))),
        }
    }
}
