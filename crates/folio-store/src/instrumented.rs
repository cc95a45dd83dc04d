//! Every query a store really runs, timed into `db_query_duration_seconds`, `db_queries_total`
//! and `db_query_errors_total`, and every health ping into `db_up`: stated once here, for both
//! databases, as a layer around them (under the shared reads, so shared queries count once).

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use folio_core::{
    AdminSession, ContactMessage, DatabaseKind, DeliveryOutcome, FileName, InboxChange, Media, MigrationReport,
    NewContactMessage, NewMedia, NewProject, OutboxCounts, Project, ProjectPatch, SiteContent, Store, StoreError,
    StoredFile, Timestamp,
};
use folio_metrics::DbMetrics;
use uuid::Uuid;

/// The `query_type` and `table` labels of each operation.
const PROJECTS: &str = "projects";
const CONTACT: &str = "contact_messages";
const SESSIONS: &str = "admin_sessions";
const SITE: &str = "site_content";
const MEDIA: &str = "media";

/// A store whose every operation is measured.
#[derive(Debug)]
pub(crate) struct Instrumented {
    inner: Arc<dyn Store>,
    metrics: DbMetrics,
}

impl Instrumented {
    pub(crate) fn new(inner: Arc<dyn Store>, metrics: DbMetrics) -> Self {
        Self { inner, metrics }
    }

    /// Runs one operation, recording its duration and, on failure, its error kind.
    async fn timed<T>(
        &self,
        query_type: &'static str,
        table: &'static str,
        query: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let started = Instant::now();
        let result = query.await;
        let error = result.as_ref().err().map(StoreError::kind);
        self.metrics.record(query_type, table, started.elapsed(), error);
        result
    }
}

#[async_trait]
impl Store for Instrumented {
    fn kind(&self) -> DatabaseKind {
        self.inner.kind()
    }

    async fn migrate(&self) -> Result<MigrationReport, StoreError> {
        self.inner.migrate().await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let result = self.timed("ping", "none", self.inner.ping()).await;
        self.metrics.pool.set_up(result.is_ok());
        result
    }

    async fn list_active_projects(&self) -> Result<Arc<Vec<Project>>, StoreError> {
        self.timed("select", PROJECTS, self.inner.list_active_projects()).await
    }

    async fn list_all_projects(&self) -> Result<Vec<Project>, StoreError> {
        self.timed("select", PROJECTS, self.inner.list_all_projects()).await
    }

    async fn get_project(&self, id: Uuid) -> Result<Option<Project>, StoreError> {
        self.timed("select", PROJECTS, self.inner.get_project(id)).await
    }

    async fn create_project(&self, new: NewProject) -> Result<Project, StoreError> {
        self.timed("insert", PROJECTS, self.inner.create_project(new)).await
    }

    async fn update_project(&self, id: Uuid, patch: ProjectPatch) -> Result<Option<Project>, StoreError> {
        self.timed("update", PROJECTS, self.inner.update_project(id, patch)).await
    }

    async fn delete_project(&self, id: Uuid) -> Result<bool, StoreError> {
        self.timed("delete", PROJECTS, self.inner.delete_project(id)).await
    }

    async fn insert_contact_message(
        &self,
        new: NewContactMessage,
        max_unread: u32,
    ) -> Result<Option<ContactMessage>, StoreError> {
        self.timed("insert", CONTACT, self.inner.insert_contact_message(new, max_unread)).await
    }

    async fn mark_contact_messages_read(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        self.timed("update", CONTACT, self.inner.mark_contact_messages_read(ids)).await
    }

    async fn list_contact_messages(&self, limit: u32) -> Result<Vec<ContactMessage>, StoreError> {
        self.timed("select", CONTACT, self.inner.list_contact_messages(limit)).await
    }

    async fn change_contact_message(&self, id: Uuid, change: InboxChange, at: Timestamp) -> Result<bool, StoreError> {
        let operation = if change == InboxChange::Delete { "delete" } else { "update" };
        self.timed(operation, CONTACT, self.inner.change_contact_message(id, change, at)).await
    }

    async fn site_content(&self) -> Result<Option<SiteContent>, StoreError> {
        self.timed("select", SITE, self.inner.site_content()).await
    }

    async fn seed_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<bool, StoreError> {
        self.timed("insert", SITE, self.inner.seed_site_content(content, at)).await
    }

    async fn put_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<(), StoreError> {
        self.timed("update", SITE, self.inner.put_site_content(content, at)).await
    }

    async fn create_media(&self, id: Uuid, new: NewMedia, at: Timestamp) -> Result<(), StoreError> {
        self.timed("insert", MEDIA, self.inner.create_media(id, new, at)).await
    }

    async fn list_media(&self) -> Result<Vec<Media>, StoreError> {
        self.timed("select", MEDIA, self.inner.list_media()).await
    }

    async fn get_media(&self, id: Uuid) -> Result<Option<Media>, StoreError> {
        self.timed("select", MEDIA, self.inner.get_media(id)).await
    }

    async fn media_file(&self, id: Uuid, name: FileName) -> Result<Option<StoredFile>, StoreError> {
        self.timed("select", MEDIA, self.inner.media_file(id, name)).await
    }

    async fn delete_media(&self, id: Uuid) -> Result<bool, StoreError> {
        self.timed("delete", MEDIA, self.inner.delete_media(id)).await
    }

    async fn create_session(&self, session: AdminSession) -> Result<(), StoreError> {
        self.timed("insert", SESSIONS, self.inner.create_session(session)).await
    }

    async fn find_session(&self, id_hash: &str) -> Result<Option<AdminSession>, StoreError> {
        self.timed("select", SESSIONS, self.inner.find_session(id_hash)).await
    }

    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<(), StoreError> {
        self.timed("update", SESSIONS, self.inner.touch_session(id_hash, at)).await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        self.timed("delete", SESSIONS, self.inner.delete_session(id_hash)).await
    }

    async fn delete_expired_sessions(&self, now: Timestamp, idle_cutoff: Timestamp) -> Result<u64, StoreError> {
        self.timed("delete", SESSIONS, self.inner.delete_expired_sessions(now, idle_cutoff)).await
    }

    async fn claim_due_notifications(
        &self,
        limit: u32,
        lease_until: Timestamp,
    ) -> Result<Vec<ContactMessage>, StoreError> {
        self.timed("update", CONTACT, self.inner.claim_due_notifications(limit, lease_until)).await
    }

    async fn record_delivery(&self, id: Uuid, outcome: DeliveryOutcome) -> Result<(), StoreError> {
        self.timed("update", CONTACT, self.inner.record_delivery(id, outcome)).await
    }

    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        self.timed("select", CONTACT, self.inner.outbox_counts()).await
    }

    async fn fatal(&self) -> String {
        self.inner.fatal().await
    }

    async fn close(&self) {
        self.inner.close().await;
    }
}
