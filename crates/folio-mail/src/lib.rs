//! The contact-message outbox: every message is stored first (by the API); this worker then
//! sends the owner a notification by SMTP, retrying with backoff. A mail server that is down
//! delays mail and never loses a message; each attempt's outcome is recorded beside it.
//!
//! Replicas may all run the worker: messages are claimed under a lease, so each notification
//! is sent by one replica at a time.
//!
//! After each pass the worker reads the backlog (messages per state, the oldest pending one's
//! wait) into the `contact_outbox_*` metrics, and counts every attempt by outcome.
//!
//! A flood of messages must not become a flood of e-mails: each process sends at most
//! [`MailSettings::per_hour`] e-mails an hour. Past that budget, due messages wait (stored,
//! pending) and the next e-mail the budget allows is one digest of all of them.

mod notification;
mod smtp_url;

pub use smtp_url::SmtpUrl;

use std::future::Future;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use folio_core::Store;
use folio_core::{ContactMessage, DeliveryOutcome, Timestamp};
use folio_metrics::{AttemptOutcome, Backlog, OutboxMetrics};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota};
pub use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
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
    /// E-mails this process sends per hour at most; past it, messages wait for one digest.
    pub per_hour: NonZeroU32,
}

/// A problem with the mail settings, found at start.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL {0}")]
    Url(String),
}

/// How many messages one pass claims.
const BATCH: u32 = 10;
/// The most messages one digest lists (about 250 KB of text at the longest).
const DIGEST_MAX: u32 = 50;
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
    budget: Arc<Budget>,
}

/// The e-mails left this hour, and until when none is.
#[derive(Debug)]
struct Budget {
    limiter: DefaultDirectRateLimiter,
    spent_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").field("to", &self.settings.to).finish_non_exhaustive()
    }
}

impl Outbox {
    /// A worker delivering through the server in `settings`, reporting into `metrics`.
    pub fn new(store: Arc<dyn Store>, settings: MailSettings, metrics: OutboxMetrics) -> Result<Self, MailError> {
        let url = SmtpUrl::check(settings.smtp_url.expose_secret()).map_err(MailError::Url)?;
        if !url.tls && !url.loopback {
            tracing::warn!(
                "SMTP_URL has no TLS: notifications, with visitors' messages and addresses, cross the network unencrypted"
            );
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.smtp_url.expose_secret())
            .map_err(|e| MailError::Url(format!("cannot be used: {e}")))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let budget = Budget {
            limiter: DefaultDirectRateLimiter::direct(Quota::per_hour(settings.per_hour)),
            spent_until: Mutex::new(None),
        };
        Ok(Self { store, transport, settings, wake: Arc::new(Notify::new()), budget: Arc::new(budget), metrics })
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

    /// One pass: claims what is due and sends each message its own e-mail when the budget
    /// covers them all, or else one digest of every due message (up to [`DIGEST_MAX`]), which
    /// takes one e-mail of the budget; returns how many messages were sent.
    pub async fn deliver_due(&self) -> usize {
        let mut sent = 0;
        loop {
            if self.budget.is_spent() {
                return sent;
            }
            let Some(mut claimed) = self.claim(BATCH).await else {
                return sent;
            };
            let full_batch = claimed.len() == BATCH as usize;
            let count = NonZeroU32::new(claimed.len() as u32);
            if count.is_some_and(|n| matches!(self.budget.limiter.check_n(n), Ok(Ok(())))) {
                for message in &claimed {
                    sent += usize::from(self.attempt(std::slice::from_ref(message)).await);
                }
            } else if let Err(not_until) = self.budget.limiter.check() {
                // What was claimed comes due again when its lease passes.
                self.budget.spend_until(not_until.wait_time_from(DefaultClock::default().now()));
                return sent;
            } else {
                if full_batch && let Some(more) = self.claim(DIGEST_MAX - BATCH).await {
                    claimed.extend(more);
                }
                let count = claimed.len();
                tracing::info!(messages = count, "contact outbox: e-mail budget spent, sending a digest");
                if self.attempt(&claimed).await {
                    sent += count;
                }
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

    /// Up to `limit` due messages, hidden from other claims for the lease; `None` when there
    /// are none (or they cannot be read).
    async fn claim(&self, limit: u32) -> Option<Vec<ContactMessage>> {
        let lease_until = later(Timestamp::now(), LEASE);
        match self.store.claim_due_notifications(limit, lease_until).await {
            Ok(claimed) if claimed.is_empty() => None,
            Ok(claimed) => Some(claimed),
            Err(error) => {
                tracing::warn!(error = %error.chain(), "contact outbox: cannot read due messages");
                None
            }
        }
    }

    /// Sends one e-mail about `messages` (one message: its own notification; several: a
    /// digest) and records the outcome for each; true when sent.
    async fn attempt(&self, messages: &[ContactMessage]) -> bool {
        let email = match messages {
            [message] => notification::single(&self.settings, message),
            several => notification::digest(&self.settings, several),
        };
        let result = match email {
            Ok(email) => self.transport.send(email).await.map(drop).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        for message in messages {
            self.record(message, &result).await;
        }
        result.is_ok()
    }

    /// Records what became of one message's notification.
    async fn record(&self, message: &ContactMessage, result: &Result<(), String>) {
        let attempts = message.delivery.attempts + 1;
        self.metrics.record_attempt(if result.is_ok() { AttemptOutcome::Sent } else { AttemptOutcome::Failed });
        let outcome = match result {
            Ok(()) => {
                tracing::info!(id = %message.id, attempts, "contact notification sent");
                DeliveryOutcome::Sent { at: Timestamp::now() }
            }
            Err(error) => {
                let retry_at =
                    (attempts < self.settings.max_attempts).then(|| later(Timestamp::now(), self.backoff(attempts)));
                let retry = retry_at.map(|t| tracing::field::display(t.to_rfc3339()));
                tracing::warn!(id = %message.id, attempts, %error, retry_at = retry, "contact notification failed");
                DeliveryOutcome::Failed { error: error.clone(), retry_at }
            }
        };
        if let Err(error) = self.store.record_delivery(message.id, outcome).await {
            // The lease runs out and the message is claimed again: at worst sent twice, never lost.
            tracing::warn!(id = %message.id, error = %error.chain(), "contact outbox: cannot record the outcome");
        }
    }

    /// The wait after the `attempts`-th failure: the base, doubled per earlier failure.
    fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts - 1).unwrap_or(0).min(20);
        (self.settings.retry_base * 2u32.pow(doublings)).min(MAX_BACKOFF)
    }
}

impl Budget {
    /// True while the last refusal's wait has not passed.
    fn is_spent(&self) -> bool {
        let until = self.spent_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        until.is_some_and(|t| Instant::now() < t)
    }

    fn spend_until(&self, wait: Duration) {
        *self.spent_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now() + wait);
        tracing::warn!(
            wait_seconds = wait.as_secs(),
            "contact outbox: the hourly e-mail budget is spent; due messages wait for one digest"
        );
    }
}

fn later(t: Timestamp, by: Duration) -> Timestamp {
    Timestamp::from(t.as_datetime() + chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX))
}
