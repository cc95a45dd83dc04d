//! Accepting contact messages: validate, rate-limit per client and in all, store (unless the
//! unread messages reach their cap), then wake the outbox. Shared by `POST /api/contact` and,
//! in `serve` mode, the site's own form.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use folio_domain::{FieldErrors, Submission};
use folio_store::{Store, StoreError};
use tokio::sync::Notify;

use crate::ApiError;
use crate::rate_limit::{Budget, RateLimiter};

/// What the visitor is told after a successful submission.
pub const THANK_YOU: &str = "Thank you for your message! It has been received and I will get back to you soon.";

/// Why a submission was not accepted.
#[derive(Debug)]
pub enum ContactError {
    /// Fields are wrong; nothing was stored.
    Invalid(FieldErrors),
    /// This client sent too many messages; try again after the duration.
    RateLimited(Duration),
    /// Everyone together sent too many messages; try again after the duration.
    Busy(Duration),
    /// This many unread messages are stored, as many as are kept; nothing was stored.
    InboxFull(u32),
    /// The message could not be stored.
    Store(StoreError),
}

/// How many messages are accepted.
#[derive(Debug)]
pub struct ContactLimits {
    /// Per client.
    pub per_client: RateLimiter,
    /// From everyone together.
    pub global: Budget,
    /// The most unread messages kept; past it new ones are refused, stored ones never dropped.
    pub max_unread: u32,
}

/// Stores contact messages and hands them to the outbox.
#[derive(Debug)]
pub struct ContactService {
    store: Arc<dyn Store>,
    limits: ContactLimits,
    outbox: Option<Arc<Notify>>,
    /// Set while messages are refused by a shared limit, so that is logged once, not per message.
    refusing: AtomicBool,
}

impl ContactService {
    /// `limits` bound what is accepted; `outbox` is woken after each stored message (absent
    /// when no mail server is configured: messages are then only stored).
    pub fn new(store: Arc<dyn Store>, limits: ContactLimits, outbox: Option<Arc<Notify>>) -> Self {
        Self { store, limits, outbox, refusing: AtomicBool::new(false) }
    }

    /// Accepts one submission from `client`. Bots (the honeypot was filled) are answered like
    /// everyone else but nothing is stored.
    pub async fn submit(
        &self,
        submission: Result<Submission, FieldErrors>,
        client: IpAddr,
    ) -> Result<(), ContactError> {
        let submission = submission.map_err(ContactError::Invalid)?;
        self.limits.per_client.check(client).map_err(ContactError::RateLimited)?;
        match submission {
            Submission::Bot => {
                tracing::info!(%client, "contact form: honeypot filled, message dropped");
                Ok(())
            }
            Submission::Message(message) => {
                if let Err(wait) = self.limits.global.check() {
                    return Err(self.refuse(ContactError::Busy(wait)));
                }
                let max_unread = self.limits.max_unread;
                let inserted = self.store.insert_contact_message(message, max_unread).await;
                let Some(stored) = inserted.map_err(ContactError::Store)? else {
                    return Err(self.refuse(ContactError::InboxFull(max_unread)));
                };
                if self.refusing.swap(false, Ordering::Relaxed) {
                    tracing::info!("contact form: accepting messages again");
                }
                tracing::info!(id = %stored.id, "contact message stored");
                if let Some(outbox) = &self.outbox {
                    outbox.notify_one();
                }
                Ok(())
            }
        }
    }

    /// `why`, logged when it starts a run of refusals.
    fn refuse(&self, why: ContactError) -> ContactError {
        if !self.refusing.swap(true, Ordering::Relaxed) {
            match &why {
                ContactError::InboxFull(max_unread) => tracing::warn!(
                    max_unread,
                    "contact form: the unread messages reached their cap; refusing messages until some are read"
                ),
                _ => tracing::warn!("contact form: the hourly budget for all clients is spent; refusing messages"),
            }
        }
        why
    }
}

impl IntoResponse for ContactError {
    fn into_response(self) -> Response {
        match self {
            ContactError::Invalid(errors) => ApiError::validation(errors).into_response(),
            ContactError::Store(error) => ApiError::from_store(&error).into_response(),
            ContactError::RateLimited(wait) => {
                ApiError::rate_limited("Too many messages from your address", wait).into_response()
            }
            ContactError::Busy(wait) => {
                let message = "The contact form is receiving too many messages";
                ApiError::busy("contact_budget", message, Some(wait)).into_response()
            }
            ContactError::InboxFull(max) => ApiError::busy("inbox_full", inbox_full(max), None).into_response(),
        }
    }
}

/// What a visitor is told when the inbox is full.
fn inbox_full(max_unread: u32) -> String {
    format!(
        "The inbox holds {max_unread} unread messages, as many as it keeps: no more are accepted until the owner \
         reads some; please write again later"
    )
}
