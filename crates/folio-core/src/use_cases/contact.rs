//! Contact messages. Accepting one: the honeypot, the field rules, the per-client limit, the
//! budget of all clients, the cap on unread messages, then the store, then the outbox is woken.
//! The owner's side: listing them and marking them read.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use uuid::Uuid;

use super::Unavailable;
use crate::domain::{Channel, ClientIp, ContactForm, ContactMessage, FieldErrors, InboxChange, Submission, Timestamp};
use crate::rate_limit::{Budget, RateLimiter};
use crate::store::{Store, StoreError};

/// Why a message was not accepted.
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
    /// The message could not be stored now.
    Unavailable(Unavailable),
}

/// Sending the owner a message: what the site's form and `POST /api/contact` both do.
#[async_trait]
pub trait Contact: Send + Sync + std::fmt::Debug {
    /// Accepts one message from `client`, written through `channel`. Bots (the honeypot was
    /// filled) are answered like everyone else but nothing is stored. The answer says how the
    /// owner will learn of the message.
    async fn submit(&self, form: ContactForm, channel: Channel, client: ClientIp) -> Result<Notified, ContactError>;
}

/// How the owner learns of an accepted message: an e-mail (SMTP is configured), or only the
/// inbox, where it waits to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Notified {
    Email,
    Inbox,
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

/// The contact use cases over a store.
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

    /// The newest `limit` messages, newest first, with their delivery state.
    pub async fn list(&self, limit: u32) -> Result<Vec<ContactMessage>, StoreError> {
        self.store.list_contact_messages(limit).await
    }

    /// Marks messages read, so they no longer count against the cap; returns how many were
    /// unread (unknown ids are ignored).
    pub async fn mark_read(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        let marked = self.store.mark_contact_messages_read(ids).await?;
        tracing::info!(marked, "contact messages marked read");
        Ok(marked)
    }

    /// The owner's inbox: of the newest `limit` messages, the unread ones first, each part
    /// newest first.
    pub async fn inbox(&self, limit: u32) -> Result<Vec<ContactMessage>, StoreError> {
        let mut messages = self.store.list_contact_messages(limit).await?;
        // A stable sort keeps the store's newest-first order within each part.
        messages.sort_by_key(|message| message.read_at.is_some());
        Ok(messages)
    }

    /// Applies the owner's change to one message; `false` when there is no such message (or,
    /// to a retry, when its notification was sent already). A retry wakes the outbox.
    pub async fn change(&self, id: Uuid, change: InboxChange) -> Result<bool, StoreError> {
        let changed = self.store.change_contact_message(id, change, Timestamp::now()).await?;
        if changed {
            tracing::info!(%id, ?change, "contact message changed by the owner");
            if change == InboxChange::Retry
                && let Some(outbox) = &self.outbox
            {
                outbox.notify_one();
            }
        }
        Ok(changed)
    }

    /// Whether accepted messages are e-mailed to the owner (a mail server is configured).
    pub fn emails_the_owner(&self) -> bool {
        self.outbox.is_some()
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

#[async_trait]
impl Contact for ContactService {
    async fn submit(
        &self,
        form: ContactForm,
        channel: Channel,
        ClientIp(client): ClientIp,
    ) -> Result<Notified, ContactError> {
        let notified = if self.emails_the_owner() { Notified::Email } else { Notified::Inbox };
        let submission = form.parse(channel).map_err(ContactError::Invalid)?;
        self.limits.per_client.check(client).map_err(ContactError::RateLimited)?;
        let message = match submission {
            Submission::Bot => {
                tracing::info!(%client, "contact form: honeypot filled, message dropped");
                return Ok(notified);
            }
            Submission::Message(message) => message,
        };
        if let Err(wait) = self.limits.global.check() {
            return Err(self.refuse(ContactError::Busy(wait)));
        }
        let max_unread = self.limits.max_unread;
        let inserted = self.store.insert_contact_message(message, max_unread).await;
        let Some(stored) = inserted.map_err(|e| ContactError::Unavailable(e.into()))? else {
            return Err(self.refuse(ContactError::InboxFull(max_unread)));
        };
        if self.refusing.swap(false, Ordering::Relaxed) {
            tracing::info!("contact form: accepting messages again");
        }
        tracing::info!(id = %stored.id, "contact message stored");
        if let Some(outbox) = &self.outbox {
            outbox.notify_one();
        }
        Ok(notified)
    }
}
