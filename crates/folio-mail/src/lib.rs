//! The contact-message outbox: every message is stored first (by the API); this worker then
//! sends the owner a notification by SMTP, retrying with backoff. A mail server that is down
//! delays mail and never loses a message; each attempt's outcome is recorded beside it.
//!
//! Replicas may all run the worker: messages are claimed under a lease, so each notification
//! is sent by one replica at a time.
//!
//! After each pass the worker reads the backlog (messages per state, the oldest pending one's
//! wait) into the `contact_outbox_*` metrics, and counts every attempt by outcome.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use folio_domain::{ContactMessage, DeliveryOutcome, Timestamp};
use folio_metrics::{AttemptOutcome, Backlog, OutboxMetrics};
use folio_store::Store;
pub use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Notify;

/// Where notifications go and how hard to try.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…`, or `smtp://host:25` (plain).
    pub smtp_url: SecretString,
    /// The owner's address: notifications are sent here.
    pub to: Mailbox,
    /// The sender address the mail server accepts from us.
    pub from: Mailbox,
    /// Delay before the second attempt; it doubles after each failure, up to an hour.
    pub retry_base: Duration,
    /// Attempts before a notification is marked `failed` (the message itself is kept).
    pub max_attempts: i32,
}

/// A problem with the mail settings, found at start.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL is not a valid SMTP URL: {0}")]
    Url(String),
}

/// How many messages one pass claims.
const BATCH: u32 = 10;
/// How long a claimed message stays hidden from other replicas while it is being sent.
const LEASE: Duration = Duration::from_secs(120);
/// How often the worker looks for due messages when nothing wakes it.
const POLL: Duration = Duration::from_secs(5);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// The longest one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// The outbox worker.
#[derive(Clone)]
pub struct Outbox {
    store: Arc<dyn Store>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    settings: MailSettings,
    wake: Arc<Notify>,
    metrics: OutboxMetrics,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").field("to", &self.settings.to).finish_non_exhaustive()
    }
}

impl Outbox {
    /// A worker delivering through the server in `settings`, reporting into `metrics`.
    pub fn new(store: Arc<dyn Store>, settings: MailSettings, metrics: OutboxMetrics) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.smtp_url.expose_secret())
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self { store, transport, settings, wake: Arc::new(Notify::new()), metrics })
    }

    /// Notify this after storing a message so it is sent at once rather than at the next poll.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Delivers due notifications until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(to = %self.settings.to, "contact outbox started");
        self.metrics.started();
        tokio::pin!(shutdown);
        loop {
            self.deliver_due().await;
            self.report_backlog().await;
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
        tracing::info!("contact outbox stopped");
    }

    /// One pass: claims what is due and attempts each; returns how many were sent.
    pub async fn deliver_due(&self) -> usize {
        let mut sent = 0;
        loop {
            let lease_until = later(Timestamp::now(), LEASE);
            let claimed = match self.store.claim_due_notifications(BATCH, lease_until).await {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(error = %error.chain(), "contact outbox: cannot read due messages");
                    return sent;
                }
            };
            let full_batch = claimed.len() == BATCH as usize;
            for message in claimed {
                sent += usize::from(self.attempt(&message).await);
            }
            if !full_batch {
                return sent;
            }
        }
    }

    /// Reads the backlog into the metrics. A failure to read it is already counted in
    /// `db_query_errors_total`; the last figures stay until the next pass.
    pub async fn report_backlog(&self) {
        match self.store.outbox_counts().await {
            Ok(counts) => {
                let waited = |stored: Timestamp| (Timestamp::now().as_datetime() - stored.as_datetime()).to_std();
                let oldest_pending_age = counts.oldest_pending.and_then(|t| waited(t).ok()).unwrap_or_default();
                let (pending, sent, failed) = (counts.pending, counts.sent, counts.failed);
                self.metrics.set_backlog(Backlog { pending, sent, failed, oldest_pending_age });
            }
            Err(error) => tracing::debug!(error = %error.chain(), "contact outbox: cannot read the backlog"),
        }
    }

    /// Sends one notification and records the outcome; true when sent.
    async fn attempt(&self, message: &ContactMessage) -> bool {
        let result = match self.notification(message) {
            Ok(email) => self.transport.send(email).await.map(drop).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let attempts = message.delivery.attempts + 1;
        self.metrics.record_attempt(if result.is_ok() { AttemptOutcome::Sent } else { AttemptOutcome::Failed });
        let outcome = match &result {
            Ok(()) => {
                tracing::info!(id = %message.id, attempts, "contact notification sent");
                DeliveryOutcome::Sent { at: Timestamp::now() }
            }
            Err(error) => {
                let retry_at =
                    (attempts < self.settings.max_attempts).then(|| later(Timestamp::now(), self.backoff(attempts)));
                tracing::warn!(id = %message.id, attempts, %error, retry_at = ?retry_at.map(|t| t.to_rfc3339()), "contact notification failed");
                DeliveryOutcome::Failed { error: error.clone(), retry_at }
            }
        };
        if let Err(error) = self.store.record_delivery(message.id, outcome).await {
            // The lease runs out and the message is claimed again: at worst sent twice, never lost.
            tracing::warn!(id = %message.id, error = %error.chain(), "contact outbox: cannot record the outcome");
        }
        result.is_ok()
    }

    /// The wait after the `attempts`-th failure: the base, doubled per earlier failure.
    fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts - 1).unwrap_or(0).min(20);
        (self.settings.retry_base * 2u32.pow(doublings)).min(MAX_BACKOFF)
    }

    /// The e-mail telling the owner about `message`; replies go to the visitor.
    fn notification(&self, message: &ContactMessage) -> Result<Message, String> {
        let visitor: Mailbox = format!("{} <{}>", message.name.replace(['<', '>', '"'], ""), message.email)
            .parse()
            .or_else(|_| message.email.parse())
            .map_err(|e| format!("the visitor's address cannot be used as Reply-To: {e}"))?;
        Message::builder()
            .from(self.settings.from.clone())
            .to(self.settings.to.clone())
            .reply_to(visitor)
            .subject(format!("[Folio contact] {}", message.subject))
            .header(ContentType::TEXT_PLAIN)
            .body(format!(
                "{} <{}> wrote on {}:\n\n{}\n\n-- \nFolio contact form, message {}\n",
                message.name, message.email, message.created_at, message.message, message.id
            ))
            .map_err(|e| format!("cannot build the notification: {e}"))
    }
}

fn later(t: Timestamp, by: Duration) -> Timestamp {
    Timestamp::from(t.as_datetime() + chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX))
}
