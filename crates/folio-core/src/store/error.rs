//! What can go wrong in storage, sorted by what the caller should do about it.

use std::error::Error as StdError;

type Source = Box<dyn StdError + Send + Sync>;

/// A storage failure. The API turns `Unavailable` and `Timeout` into 503 (try again later),
/// `Storage` into 507, `Conflict` and `Refused` into 409, and the rest into 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No connection could be had: the database is down, unreachable or the pool is exhausted.
    #[error("the database is unavailable")]
    Unavailable(#[source] Source),
    /// A query ran past its time limit.
    #[error("the database did not answer in time")]
    Timeout(#[source] Source),
    /// The database server's TLS certificate was refused; retrying will not help.
    #[error("the database server's TLS certificate was refused: {0}")]
    Tls(String),
    /// The server refused this process's credentials (or its address): permanent until the
    /// configuration changes.
    #[error("the database refused the credentials: {0}")]
    Credentials(String),
    /// The database cannot store more: disk full or read-only.
    #[error("the database cannot store data: {0}")]
    Storage(String),
    /// The schema is not what this binary expects.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// A value that must be unique is taken already (a project's slug); the message names it.
    #[error("{0}")]
    Conflict(String),
    /// A write names a row that is not there (a project's photo that was never uploaded), or
    /// would remove one still named (a photo a project shows); the message says which.
    #[error("{0}")]
    Refused(String),
    /// Anything else, such as a query the database rejected.
    #[error("database query failed")]
    Query(#[source] Source),
}

impl StoreError {
    /// A short label for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Timeout(_) => "timeout",
            StoreError::Tls(_) => "tls",
            StoreError::Credentials(_) => "credentials",
            StoreError::Storage(_) => "storage",
            StoreError::Migration(_) => "migration",
            StoreError::Conflict(_) => "conflict",
            StoreError::Refused(_) => "refused",
            StoreError::Query(_) => "query",
        }
    }

    /// True for failures that may pass by themselves (worth a retry at start-up).
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Unavailable(_) | StoreError::Timeout(_))
    }

    /// This error for one of several callers that shared it: the same kind (and so the same
    /// answer to the client), with the original as its cause.
    pub fn from_shared(shared: std::sync::Arc<StoreError>) -> Self {
        match &*shared {
            StoreError::Tls(m) => StoreError::Tls(m.clone()),
            StoreError::Credentials(m) => StoreError::Credentials(m.clone()),
            StoreError::Storage(m) => StoreError::Storage(m.clone()),
            StoreError::Migration(m) => StoreError::Migration(m.clone()),
            StoreError::Conflict(m) => StoreError::Conflict(m.clone()),
            StoreError::Refused(m) => StoreError::Refused(m.clone()),
            StoreError::Unavailable(_) => StoreError::Unavailable(Box::new(Shared(shared))),
            StoreError::Timeout(_) => StoreError::Timeout(Box::new(Shared(shared))),
            StoreError::Query(_) => StoreError::Query(Box::new(Shared(shared))),
        }
    }

    /// The error and every cause, joined: for logs, and for health details in development.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = self.source();
        while let Some(cause) = source {
            let cause_text = cause.to_string();
            if !text.ends_with(&cause_text) {
                text.push_str(": ");
                text.push_str(&cause_text);
            }
            source = cause.source();
        }
        text
    }
}

/// A shared error standing as the cause of each caller's copy: shows the original's causes.
#[derive(Debug)]
struct Shared(std::sync::Arc<StoreError>);

impl std::fmt::Display for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.source() {
            Some(cause) => std::fmt::Display::fmt(cause, f),
            None => std::fmt::Display::fmt(&self.0, f),
        }
    }
}

impl StdError for Shared {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source().and_then(StdError::source)
    }
}
