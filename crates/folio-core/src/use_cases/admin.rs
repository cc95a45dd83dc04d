//! The owner: the admin token (the one secret, for the API's bearer header and the admin's
//! sign-in form alike) and the admin's sessions.
//!
//! A session id is 32 random bytes, sent to the browser only; the database keeps its SHA-256,
//! so someone reading the table cannot sign in with what they read. Every sign-in makes a new
//! id. A session ends after [`SessionLimits::idle`] without a request, or
//! [`SessionLimits::absolute`] after sign-in whatever happens, or at sign-out, which deletes
//! the row so every replica refuses the cookie from then on.

use std::net::IpAddr;
use std::time::Duration;

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::Timestamp;
use crate::rate_limit::RateLimiter;
use crate::store::{AdminSession, Store, StoreError};

/// How the owner is recognised.
#[derive(Debug)]
pub struct AdminToken(Option<[u8; 32]>);

impl AdminToken {
    /// `token`, or none at all (everything needing it is refused). Only its SHA-256 is kept, so
    /// a comparison takes the same time whatever the length or content of the guess.
    pub fn new(token: Option<&SecretString>) -> Self {
        Self(token.map(|t| Sha256::digest(t.expose_secret().as_bytes()).into()))
    }

    /// Whether a token is configured.
    pub fn is_configured(&self) -> bool {
        self.0.is_some()
    }

    /// Whether `given` is the token (surrounding white space aside), in constant time.
    pub fn matches(&self, given: &str) -> bool {
        let Some(expected) = &self.0 else {
            return false;
        };
        let given: [u8; 32] = Sha256::digest(given.trim().as_bytes()).into();
        bool::from(given.ct_eq(expected))
    }
}

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Without a request for this long, a session ends.
    pub idle: Duration,
    /// This long after sign-in, a session ends whatever happens.
    pub absolute: Duration,
}

impl SessionLimits {
    /// Two hours without a request, twelve hours in all: a working day's session from a phone
    /// or a laptop, without a stolen cookie staying useful for long.
    pub const DEFAULT: SessionLimits =
        SessionLimits { idle: Duration::from_secs(2 * 3600), absolute: Duration::from_secs(12 * 3600) };
}

/// A session last seen less than this long ago is not written again (one write a minute at
/// most, rather than one per request).
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Why a sign-in failed.
#[derive(Debug)]
pub enum SignInError {
    /// No token is configured: nobody can sign in.
    Disabled,
    /// Too many attempts from this client; try again after the duration.
    RateLimited(Duration),
    /// Not the token.
    WrongToken,
    /// The session could not be stored.
    Store(StoreError),
}

/// A new session: the cookie's value (give it to the browser, never store it) and its
/// cross-site request forgery token.
#[derive(Debug)]
pub struct SignedIn {
    pub cookie: SecretString,
    pub csrf: String,
}

/// A valid session, for the request that presented it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    /// The token every form of this session must carry.
    pub csrf: String,
}

/// Signing in and out, and checking sessions.
#[derive(Debug)]
pub struct Sessions {
    store: Arc<dyn Store>,
    token: Arc<AdminToken>,
    limits: SessionLimits,
    attempts: RateLimiter,
}

impl Sessions {
    /// Sessions over `store` for the owner of `token`; `attempts` bounds sign-ins per client.
    pub fn new(store: Arc<dyn Store>, token: Arc<AdminToken>, limits: SessionLimits, attempts: RateLimiter) -> Self {
        Self { store, token, limits, attempts }
    }

    /// How long sessions last.
    pub fn limits(&self) -> SessionLimits {
        self.limits
    }

    /// Whether anyone can sign in.
    pub fn enabled(&self) -> bool {
        self.token.is_configured()
    }

    /// Checks `given` against the token (each attempt counted against `client` first) and
    /// starts a new session.
    pub async fn sign_in(&self, given: &str, client: IpAddr) -> Result<SignedIn, SignInError> {
        if !self.token.is_configured() {
            return Err(SignInError::Disabled);
        }
        self.attempts.check(client).map_err(SignInError::RateLimited)?;
        if !self.token.matches(given) {
            tracing::warn!(%client, "admin sign-in refused: wrong token");
            return Err(SignInError::WrongToken);
        }
        let now = Timestamp::now();
        let idle_cutoff = earlier(now, self.limits.idle);
        let expired = self.store.delete_expired_sessions(now, idle_cutoff).await.map_err(SignInError::Store)?;
        let id = hex::encode(rand::random::<[u8; 32]>());
        let session = AdminSession {
            id_hash: id_hash(&id),
            created_at: now,
            last_seen_at: now,
            expires_at: later(now, self.limits.absolute),
        };
        self.store.create_session(session).await.map_err(SignInError::Store)?;
        tracing::info!(%client, expired, "admin signed in");
        Ok(SignedIn { csrf: csrf_token(&id), cookie: SecretString::from(id) })
    }

    /// The session `cookie` names, if it is still valid (and then it is kept alive).
    pub async fn current(&self, cookie: &str) -> Result<Option<ActiveSession>, StoreError> {
        if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let hash = id_hash(cookie);
        let Some(session) = self.store.find_session(&hash).await? else {
            return Ok(None);
        };
        let now = Timestamp::now();
        if session.expires_at <= now || session.last_seen_at <= earlier(now, self.limits.idle) {
            return Ok(None);
        }
        if session.last_seen_at <= earlier(now, TOUCH_EVERY) {
            self.store.touch_session(&hash, now).await?;
        }
        Ok(Some(ActiveSession { csrf: csrf_token(cookie) }))
    }

    /// Ends the session `cookie` names, on every replica.
    pub async fn sign_out(&self, cookie: &str) -> Result<(), StoreError> {
        if self.store.delete_session(&id_hash(cookie)).await? {
            tracing::info!("admin signed out");
        }
        Ok(())
    }
}

/// What the database keeps of a session id.
fn id_hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// The forgery token of a session: derived from its id with another hash, so neither the
/// table nor the token gives the id away.
fn csrf_token(id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"folio-admin-csrf\0");
    hasher.update(id.as_bytes());
    hex::encode(hasher.finalize())
}

fn earlier(at: Timestamp, by: Duration) -> Timestamp {
    Timestamp::from(at.as_datetime() - chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX))
}

fn later(at: Timestamp, by: Duration) -> Timestamp {
    let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::days(36_500));
    Timestamp::from(at.as_datetime().checked_add_signed(by).unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_matches() {
        let token = AdminToken::new(Some(&SecretString::from("s3cret-token")));
        assert!(token.matches("s3cret-token") && token.matches(" s3cret-token\n"));
        assert!(!token.matches("s3cret") && !token.matches("s3cret-token-2") && !token.matches(""));
        assert!(!AdminToken::new(None).matches(""));
    }

    #[test]
    fn the_forgery_token_is_neither_the_id_nor_its_stored_hash() {
        let id = "ab".repeat(32);
        assert_ne!(csrf_token(&id), id_hash(&id));
        assert_ne!(csrf_token(&id), id);
        assert_eq!(csrf_token(&id).len(), 64);
    }
}
