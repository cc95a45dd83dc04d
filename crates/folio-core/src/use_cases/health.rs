//! Whether the database answers, for `GET /api/health`, shared by concurrent callers.
//!
//! Load balancers poll every few seconds, but anyone can call the endpoint: without sharing, a
//! flood of health requests becomes a flood of database round trips and queues behind the one
//! connection reserved for health checks. Here concurrent callers wait for a single ping, and a
//! result younger than [`FRESH`] is reused.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::store::{DatabaseKind, Store};

/// How long a ping result is reused.
pub const FRESH: Duration = Duration::from_secs(1);

/// The longest a health check waits for the database.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// The database check, with the last ping and when it finished.
#[derive(Debug)]
pub struct DatabaseHealth {
    store: Arc<dyn Store>,
    last: Mutex<Option<(Instant, Result<(), String>)>>,
}

impl DatabaseHealth {
    /// Checks `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, last: Mutex::default() }
    }

    /// Which database this is.
    pub fn kind(&self) -> DatabaseKind {
        self.store.kind()
    }

    /// Whether the database answered (within the last second), or why not.
    pub async fn check(&self) -> Result<(), String> {
        let mut last = self.last.lock().await;
        if let Some((at, result)) = last.as_ref()
            && at.elapsed() < FRESH
        {
            return result.clone();
        }
        let result = match tokio::time::timeout(TIMEOUT, self.store.ping()).await {
            Ok(result) => result.map_err(|e| e.chain()),
            Err(_) => Err(format!("no answer within {} s", TIMEOUT.as_secs())),
        };
        *last = Some((Instant::now(), result.clone()));
        result
    }
}
