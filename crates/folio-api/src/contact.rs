//! Accepting contact messages: validate, rate-limit per client, store, then wake the outbox.
//! Shared by `POST /api/contact` and, in `serve` mode, the site's own form.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use folio_domain::{FieldErrors, Submission};
use folio_store::{Store, StoreError};
use tokio::sync::Notify;

use crate::ApiError;
use crate::rate_limit::RateLimiter;

/// What the visitor is told after a successful submission.
pub const THANK_YOU: &str = "Thank you for your message! It has been received and I will get back to you soon.";

/// Why a submission was not accepted.
#[derive(Debug)]
pub enum ContactError {
    /// Fields are wrong; nothing was stored.
    Invalid(FieldErrors),
    /// This client sent too many messages; try again after the duration.
    RateLimited(Duration),
    /// The message could not be stored.
    Store(StoreError),
}

/// Stores contact messages and hands them to the outbox.
#[derive(Debug)]
pub struct ContactService {
    store: Arc<dyn Store>,
    limiter: RateLimiter,
    outbox: Option<Arc<Notify>>,
}

impl ContactService {
    /// `limiter` bounds submissions per client; `outbox` is woken after each stored message
    /// (absent when no mail server is configured: messages are then only stored).
    pub fn new(store: Arc<dyn Store>, limiter: RateLimiter, outbox: Option<Arc<Notify>>) -> Self {
        Self { store, limiter, outbox }
    }

    /// Accepts one submission from `client`. Bots (the honeypot was filled) are answered like
    /// everyone else but nothing is stored.
    pub async fn submit(
        &self,
        submission: Result<Submission, FieldErrors>,
        client: IpAddr,
    ) -> Result<(), ContactError> {
        let submission = submission.map_err(ContactError::Invalid)?;
        self.limiter.check(client).map_err(ContactError::RateLimited)?;
        match submission {
            Submission::Bot => {
                tracing::info!(%client, "contact form: honeypot filled, message dropped");
                Ok(())
            }
            Submission::Message(message) => {
                let stored = self.store.insert_contact_message(message).await.map_err(ContactError::Store)?;
                tracing::info!(id = %stored.id, "contact message stored");
                if let Some(outbox) = &self.outbox {
                    outbox.notify_one();
                }
                Ok(())
            }
        }
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
        }
    }
}
