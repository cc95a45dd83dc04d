//! The contact outbox: how many stored messages are in each delivery state, how long the
//! oldest pending one has waited, and how each attempt to e-mail the owner went.
//!
//! The counts are read from the database by the outbox worker after each pass, so every
//! replica reports the same figures: dashboards and alerts take their `max`, not their `sum`.
//! Nothing is exported before the worker starts: a process without `SMTP_URL` notifies nobody,
//! and a zero backlog from it would be a lie.

use std::time::Duration;

use prometheus::{GaugeVec, IntCounterVec, IntGaugeVec, Opts, Registry};

/// How one attempt to send a notification ended (`contact_notification_attempts_total{outcome}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The mail server accepted it.
    Sent,
    /// It was refused or the server could not be reached; it is retried or, after the last
    /// attempt, marked failed.
    Failed,
}

impl AttemptOutcome {
    const ALL: [AttemptOutcome; 2] = [AttemptOutcome::Sent, AttemptOutcome::Failed];

    fn label(self) -> &'static str {
        match self {
            AttemptOutcome::Sent => "sent",
            AttemptOutcome::Failed => "failed",
        }
    }
}

/// The stored messages by delivery state, as the worker last read them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// How long the oldest pending message has waited since it was stored (none pending: zero).
    pub oldest_pending_age: Duration,
}

/// The outbox's series.
#[derive(Debug, Clone)]
pub struct OutboxMetrics {
    messages: IntGaugeVec,
    oldest_pending: GaugeVec,
    attempts: IntCounterVec,
}

impl OutboxMetrics {
    pub(crate) fn new(registry: &Registry) -> Self {
        let messages = IntGaugeVec::new(
            Opts::new("contact_outbox_messages", "Stored contact messages by notification state (database-wide)"),
            &["state"],
        )
        .expect("valid metric definition");
        super::register(registry, messages.clone());
        // A vector without labels: like the counts, no series until the worker has read them.
        let oldest_pending = GaugeVec::new(
            Opts::new(
                "contact_outbox_oldest_pending_age_seconds",
                "How long the oldest contact message whose notification is still pending has waited",
            ),
            &[],
        )
        .expect("valid metric definition");
        super::register(registry, oldest_pending.clone());
        let attempts = super::counter(
            registry,
            "contact_notification_attempts_total",
            "Attempts to e-mail the owner about a contact message, by outcome",
            &["outcome"],
        );
        Self { messages, oldest_pending, attempts }
    }

    /// Called when the worker starts: from then on every outcome has a series, zero included,
    /// so a rate over it is 0 rather than nothing.
    pub fn started(&self) {
        for outcome in AttemptOutcome::ALL {
            self.attempts.with_label_values(&[outcome.label()]);
        }
    }

    /// Records the counts the worker read from the database.
    pub fn set_backlog(&self, backlog: Backlog) {
        for (state, count) in [("pending", backlog.pending), ("sent", backlog.sent), ("failed", backlog.failed)] {
            self.messages.with_label_values(&[state]).set(i64::try_from(count).unwrap_or(i64::MAX));
        }
        self.oldest_pending.with_label_values::<&str>(&[]).set(backlog.oldest_pending_age.as_secs_f64());
    }

    /// Records one delivery attempt.
    pub fn record_attempt(&self, outcome: AttemptOutcome) {
        self.attempts.with_label_values(&[outcome.label()]).inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_exported_before_the_worker_starts_and_every_outcome_after() {
        let registry = Registry::new();
        let outbox = OutboxMetrics::new(&registry);
        let render = || super::super::render_registry(&registry);
        assert!(!render().contains("contact_"), "{}", render());
        outbox.started();
        outbox.record_attempt(AttemptOutcome::Sent);
        outbox.set_backlog(Backlog { pending: 2, sent: 5, failed: 1, oldest_pending_age: Duration::from_secs(90) });
        crate::testing::assert_renders(
            &registry,
            &[
                "contact_notification_attempts_total{outcome=\"sent\"} 1",
                "contact_notification_attempts_total{outcome=\"failed\"} 0",
                "contact_outbox_messages{state=\"pending\"} 2",
                "contact_outbox_messages{state=\"sent\"} 5",
                "contact_outbox_messages{state=\"failed\"} 1",
                "contact_outbox_oldest_pending_age_seconds 90",
            ],
        );
    }
}
