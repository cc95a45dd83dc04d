//! The projects: what visitors read, and what the owner writes. Every write through this
//! process moves [`ProjectService::version`], so a cache in the same process (the site's) drops
//! what it holds at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use uuid::Uuid;

use super::Unavailable;
use crate::domain::{NewProject, Project, ProjectPatch};
use crate::store::{Store, StoreError};

/// What the public side reads: the site's pages, whether the projects are in this process or
/// behind the API.
#[async_trait]
pub trait ActiveProjects: Send + Sync + std::fmt::Debug {
    /// Active projects, `sortOrder` ascending, then newest first.
    async fn active(&self) -> Result<Arc<Vec<Project>>, Unavailable>;

    /// A number that changes whenever projects change, where this side can know (in the
    /// process that writes them); constant elsewhere.
    fn version(&self) -> u64 {
        0
    }
}

/// The projects use cases over a store.
#[derive(Debug)]
pub struct ProjectService {
    store: Arc<dyn Store>,
    version: AtomicU64,
}

impl ProjectService {
    /// The use cases over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, version: AtomicU64::new(0) }
    }

    /// Active projects, `sortOrder` ascending, then newest first.
    pub async fn list_active(&self) -> Result<Arc<Vec<Project>>, StoreError> {
        self.store.list_active_projects().await
    }

    /// Every project, hidden ones (drafts) too, in the same order.
    pub async fn list_all(&self) -> Result<Vec<Project>, StoreError> {
        self.store.list_all_projects().await
    }

    /// One project, active or not.
    pub async fn get(&self, id: Uuid) -> Result<Option<Project>, StoreError> {
        self.store.get_project(id).await
    }

    /// Stores a new project and returns it as stored.
    pub async fn create(&self, new: NewProject) -> Result<Project, StoreError> {
        let project = self.store.create_project(new).await?;
        self.changed();
        tracing::info!(id = %project.id, "project created");
        Ok(project)
    }

    /// Applies a partial update; `None` when no such project exists.
    pub async fn update(&self, id: Uuid, patch: ProjectPatch) -> Result<Option<Project>, StoreError> {
        let updated = self.store.update_project(id, patch).await?;
        if updated.is_some() {
            self.changed();
            tracing::info!(%id, "project updated");
        }
        Ok(updated)
    }

    /// Deletes a project; `false` when no such project exists.
    pub async fn delete(&self, id: Uuid) -> Result<bool, StoreError> {
        let deleted = self.store.delete_project(id).await?;
        if deleted {
            self.changed();
            tracing::info!(%id, "project deleted");
        }
        Ok(deleted)
    }

    fn changed(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }
}

#[async_trait]
impl ActiveProjects for ProjectService {
    async fn active(&self) -> Result<Arc<Vec<Project>>, Unavailable> {
        Ok(self.list_active().await?)
    }

    fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }
}
