//! The store every caller gets from [`crate::connect`]: the configured database, with the hot
//! reads (the project list and single projects) coalesced as [`crate::coalesce`] describes.

use std::sync::Arc;

use async_trait::async_trait;
use folio_core::{
    AdminSession, ContactMessage, DatabaseKind, DeliveryOutcome, FileName, InboxChange, Media, MigrationReport,
    NewContactMessage, NewMedia, NewProject, OutboxCounts, Project, ProjectPatch, SiteContent, Store, StoreError,
    StoredFile, Timestamp,
};
use uuid::Uuid;

use crate::coalesce::Coalescer;

/// A store whose reads of projects are shared between concurrent callers.
#[derive(Debug)]
pub(crate) struct SharedReads {
    inner: Arc<dyn Store>,
    lists: Arc<Coalescer<(), Arc<Vec<Project>>>>,
    projects: Arc<Coalescer<Uuid, Option<Project>>>,
}

impl SharedReads {
    pub(crate) fn new(inner: Arc<dyn Store>) -> Self {
        Self { inner, lists: Arc::default(), projects: Arc::default() }
    }
}

#[async_trait]
impl Store for SharedReads {
    fn kind(&self) -> DatabaseKind {
        self.inner.kind()
    }

    async fn migrate(&self) -> Result<MigrationReport, StoreError> {
        self.inner.migrate().await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn list_active_projects(&self) -> Result<Arc<Vec<Project>>, StoreError> {
        let inner = Arc::clone(&self.inner);
        self.lists
            .read((), move || async move { inner.list_active_projects().await })
            .await
            .map_err(StoreError::from_shared)
    }

    async fn list_all_projects(&self) -> Result<Vec<Project>, StoreError> {
        self.inner.list_all_projects().await
    }

    async fn get_project(&self, id: Uuid) -> Result<Option<Project>, StoreError> {
        let inner = Arc::clone(&self.inner);
        self.projects
            .read(id, move || async move { inner.get_project(id).await })
            .await
            .map_err(StoreError::from_shared)
    }

    async fn create_project(&self, new: NewProject) -> Result<Project, StoreError> {
        self.inner.create_project(new).await
    }

    async fn update_project(&self, id: Uuid, patch: ProjectPatch) -> Result<Option<Project>, StoreError> {
        self.inner.update_project(id, patch).await
    }

    async fn delete_project(&self, id: Uuid) -> Result<bool, StoreError> {
        self.inner.delete_project(id).await
    }

    async fn insert_contact_message(
        &self,
        new: NewContactMessage,
        max_unread: u32,
    ) -> Result<Option<ContactMessage>, StoreError> {
        self.inner.insert_contact_message(new, max_unread).await
    }

    async fn mark_contact_messages_read(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        self.inner.mark_contact_messages_read(ids).await
    }

    async fn list_contact_messages(&self, limit: u32) -> Result<Vec<ContactMessage>, StoreError> {
        self.inner.list_contact_messages(limit).await
    }

    async fn change_contact_message(&self, id: Uuid, change: InboxChange, at: Timestamp) -> Result<bool, StoreError> {
        self.inner.change_contact_message(id, change, at).await
    }

    async fn site_content(&self) -> Result<Option<SiteContent>, StoreError> {
        self.inner.site_content().await
    }

    async fn seed_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<bool, StoreError> {
        self.inner.seed_site_content(content, at).await
    }

    async fn put_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<(), StoreError> {
        self.inner.put_site_content(content, at).await
    }

    async fn create_media(&self, id: Uuid, new: NewMedia, at: Timestamp) -> Result<(), StoreError> {
        self.inner.create_media(id, new, at).await
    }

    async fn list_media(&self) -> Result<Vec<Media>, StoreError> {
        self.inner.list_media().await
    }

    async fn get_media(&self, id: Uuid) -> Result<Option<Media>, StoreError> {
        self.inner.get_media(id).await
    }

    async fn media_file(&self, id: Uuid, name: FileName) -> Result<Option<StoredFile>, StoreError> {
        self.inner.media_file(id, name).await
    }

    async fn delete_media(&self, id: Uuid) -> Result<bool, StoreError> {
        self.inner.delete_media(id).await
    }

    async fn create_session(&self, session: AdminSession) -> Result<(), StoreError> {
        self.inner.create_session(session).await
    }

    async fn find_session(&self, id_hash: &str) -> Result<Option<AdminSession>, StoreError> {
        self.inner.find_session(id_hash).await
    }

    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<(), StoreError> {
        self.inner.touch_session(id_hash, at).await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        self.inner.delete_session(id_hash).await
    }

    async fn delete_expired_sessions(&self, now: Timestamp, idle_cutoff: Timestamp) -> Result<u64, StoreError> {
        self.inner.delete_expired_sessions(now, idle_cutoff).await
    }

    async fn claim_due_notifications(
        &self,
        limit: u32,
        lease_until: Timestamp,
    ) -> Result<Vec<ContactMessage>, StoreError> {
        self.inner.claim_due_notifications(limit, lease_until).await
    }

    async fn record_delivery(&self, id: Uuid, outcome: DeliveryOutcome) -> Result<(), StoreError> {
        self.inner.record_delivery(id, outcome).await
    }

    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        self.inner.outbox_counts().await
    }

    async fn fatal(&self) -> String {
        self.inner.fatal().await
    }

    async fn close(&self) {
        self.inner.close().await;
    }
}
