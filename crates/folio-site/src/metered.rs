//! The site's use cases with each call counted and timed (`frontend_api_calls_total`,
//! `frontend_api_call_duration_seconds`): in `site` mode these are its HTTP calls to the API,
//! in `serve` mode the same calls answered in-process.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use folio_core::{
    ActiveProjects, Channel, ClientIp, Contact, ContactError, ContactForm, Notified, Project, SiteContent,
    SiteContentSource, Unavailable,
};
use folio_metrics::{ApiEndpoint, ApiOutcome, SiteMetrics};

/// `inner`'s calls, measured into `metrics`.
#[derive(Debug)]
pub struct Metered<T: ?Sized> {
    inner: Arc<T>,
    metrics: SiteMetrics,
}

impl<T: ?Sized> Metered<T> {
    /// Wraps `inner`, recording into `metrics`.
    pub fn new(inner: Arc<T>, metrics: SiteMetrics) -> Self {
        Self { inner, metrics }
    }
}

/// How a failed read (of the projects, of the content) is counted.
fn outcome(error: &Unavailable) -> ApiOutcome {
    match error {
        Unavailable::Remote { timed_out: true, .. } => ApiOutcome::Timeout,
        _ => ApiOutcome::Unavailable,
    }
}

#[async_trait]
impl<T: ActiveProjects + ?Sized> ActiveProjects for Metered<T> {
    async fn active(&self) -> Result<Arc<Vec<Project>>, Unavailable> {
        let started = Instant::now();
        let result = self.inner.active().await;
        let outcome = result.as_ref().map_or_else(outcome, |_| ApiOutcome::Ok);
        self.metrics.record_call(ApiEndpoint::Projects, outcome, started.elapsed());
        result
    }

    fn version(&self) -> u64 {
        self.inner.version()
    }
}

#[async_trait]
impl<T: SiteContentSource + ?Sized> SiteContentSource for Metered<T> {
    async fn site_content(&self) -> Result<Arc<SiteContent>, Unavailable> {
        let started = Instant::now();
        let result = self.inner.site_content().await;
        let outcome = result.as_ref().map_or_else(outcome, |_| ApiOutcome::Ok);
        self.metrics.record_call(ApiEndpoint::Site, outcome, started.elapsed());
        result
    }

    fn version(&self) -> u64 {
        self.inner.version()
    }
}

#[async_trait]
impl<T: Contact + ?Sized> Contact for Metered<T> {
    async fn submit(&self, form: ContactForm, channel: Channel, client: ClientIp) -> Result<Notified, ContactError> {
        let started = Instant::now();
        let result = self.inner.submit(form, channel, client).await;
        let outcome = match &result {
            Ok(_) => ApiOutcome::Ok,
            Err(ContactError::Invalid(_) | ContactError::RateLimited(_)) => ApiOutcome::Refused,
            Err(ContactError::Unavailable(_) | ContactError::Busy(_) | ContactError::InboxFull(_)) => {
                ApiOutcome::Unavailable
            }
        };
        self.metrics.record_call(ApiEndpoint::Contact, outcome, started.elapsed());
        result
    }
}
