//! The port the use cases store through: one trait, implemented once per database by
//! `folio-store` (and wrapped there by the shared-reads and metrics layers).

mod error;

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;

use crate::domain::{
    ContactMessage, DeliveryOutcome, DeliveryState, FileName, InboxChange, Media, NewContactMessage, NewMedia,
    NewProject, Project, ProjectPatch, SiteContent, StoredFile, Timestamp,
};

pub use error::StoreError;

/// What one run of the migrations did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// Versions this run applied, in order (empty when the schema was already current).
    pub applied: Vec<i64>,
    /// Versions the database records that this binary does not know (a newer release ran).
    pub unknown: Vec<i64>,
}

/// Which database a store talks to, as reported by `GET /api/health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Postgres,
    Sqlite,
}

impl DatabaseKind {
    /// The name the earlier platform reported (`postgresql`), or `sqlite`.
    pub fn as_str(self) -> &'static str {
        match self {
            DatabaseKind::Postgres => "postgresql",
            DatabaseKind::Sqlite => "sqlite",
        }
    }
}

/// The stored contact messages by notification state, for the outbox's metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// When the oldest message whose notification is still pending was stored.
    pub oldest_pending: Option<Timestamp>,
}

impl OutboxCounts {
    /// Adds one `GROUP BY delivery_state` row: its state, count and oldest `created_at`.
    pub fn add(&mut self, state: DeliveryState, count: u64, oldest: Option<Timestamp>) {
        match state {
            DeliveryState::Pending => {
                self.pending = count;
                self.oldest_pending = oldest;
            }
            DeliveryState::Sent => self.sent = count,
            DeliveryState::Failed => self.failed = count,
        }
    }
}

/// An admin session as stored: the SHA-256 of its id (hex), never the id itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSession {
    pub id_hash: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

/// Everything Folio stores. Each method is one unit of work; implementations map driver errors
/// onto [`StoreError`] (the metrics are recorded by a wrapper, once for both databases).
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Which database this is.
    fn kind(&self) -> DatabaseKind;

    /// Applies pending migrations; safe to call from several replicas at once.
    async fn migrate(&self) -> Result<MigrationReport, StoreError>;

    /// A round trip to the database on a connection reserved for health checks, so a busy pool
    /// cannot starve them.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Active projects, `sortOrder` ascending, then newest first.
    async fn list_active_projects(&self) -> Result<Arc<Vec<Project>>, StoreError>;

    /// Every project, hidden ones (drafts) too, in the same order as the active ones.
    async fn list_all_projects(&self) -> Result<Vec<Project>, StoreError>;

    /// One project, active or not.
    async fn get_project(&self, id: Uuid) -> Result<Option<Project>, StoreError>;

    /// Stores a new project and returns it as stored.
    async fn create_project(&self, new: NewProject) -> Result<Project, StoreError>;

    /// Applies a partial update atomically; `None` when no such project exists.
    async fn update_project(&self, id: Uuid, patch: ProjectPatch) -> Result<Option<Project>, StoreError>;

    /// Deletes a project; `false` when no such project exists.
    async fn delete_project(&self, id: Uuid) -> Result<bool, StoreError>;

    /// Stores a contact message with its notification pending, unless `max_unread` unread
    /// messages are stored already: then nothing is stored and the answer is `None`.
    async fn insert_contact_message(
        &self,
        new: NewContactMessage,
        max_unread: u32,
    ) -> Result<Option<ContactMessage>, StoreError>;

    /// Marks the given messages read (unknown ids are ignored); returns how many were unread.
    async fn mark_contact_messages_read(&self, ids: &[Uuid]) -> Result<u64, StoreError>;

    /// The newest `limit` contact messages, newest first, with their delivery state.
    async fn list_contact_messages(&self, limit: u32) -> Result<Vec<ContactMessage>, StoreError>;

    /// Applies the owner's change to one message at `at`; `false` when no such message exists
    /// (or, for [`InboxChange::Retry`], when its notification was sent already).
    async fn change_contact_message(&self, id: Uuid, change: InboxChange, at: Timestamp) -> Result<bool, StoreError>;

    /// The owner's site content; `None` until it was first stored.
    async fn site_content(&self) -> Result<Option<SiteContent>, StoreError>;

    /// Stores `content` at `at` unless content is stored already; `true` when it was stored.
    async fn seed_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<bool, StoreError>;

    /// Replaces the site content (storing it if there was none) at `at`.
    async fn put_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<(), StoreError>;

    /// Stores an image and all its files at `at` under `id`, all or nothing.
    async fn create_media(&self, id: Uuid, media: NewMedia, at: Timestamp) -> Result<(), StoreError>;

    /// Every image with its files (without their bytes), newest first.
    async fn list_media(&self) -> Result<Vec<Media>, StoreError>;

    /// One image with its files (without their bytes).
    async fn get_media(&self, id: Uuid) -> Result<Option<Media>, StoreError>;

    /// The bytes of one file of one image.
    async fn media_file(&self, id: Uuid, name: FileName) -> Result<Option<StoredFile>, StoreError>;

    /// Deletes an image and its files; `false` when no such image exists.
    async fn delete_media(&self, id: Uuid) -> Result<bool, StoreError>;

    /// Stores a new admin session.
    async fn create_session(&self, session: AdminSession) -> Result<(), StoreError>;

    /// The session with this id hash, expired or not.
    async fn find_session(&self, id_hash: &str) -> Result<Option<AdminSession>, StoreError>;

    /// Records that the session was used at `at`.
    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<(), StoreError>;

    /// Deletes a session (sign-out); `false` when there was none.
    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError>;

    /// Deletes sessions past their absolute expiry (`now`) or unused since `idle_cutoff`;
    /// returns how many.
    async fn delete_expired_sessions(&self, now: Timestamp, idle_cutoff: Timestamp) -> Result<u64, StoreError>;

    /// Claims up to `limit` messages whose notification is due, hiding them from other claims
    /// until `lease_until`, so replicas never send the same notification at the same time.
    async fn claim_due_notifications(
        &self,
        limit: u32,
        lease_until: Timestamp,
    ) -> Result<Vec<ContactMessage>, StoreError>;

    /// Records the outcome of one delivery attempt.
    async fn record_delivery(&self, id: Uuid, outcome: DeliveryOutcome) -> Result<(), StoreError>;

    /// How many stored messages are in each notification state, and when the oldest pending
    /// one was stored.
    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError>;

    /// Completes, with the reason, once the store has met an error only a restart with fresh
    /// configuration can fix (PostgreSQL refusing the password after RDS rotated it, say).
    /// Never completes for stores that cannot meet one.
    async fn fatal(&self) -> String {
        std::future::pending().await
    }

    /// Closes every connection; later calls fail with [`StoreError::Unavailable`].
    async fn close(&self);
}
