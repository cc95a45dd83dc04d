//! The projects: what visitors read, and what the owner writes. Every write through this
//! process moves [`ProjectService::version`], so a cache in the same process (the site's) drops
//! what it holds at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use uuid::Uuid;

use super::Unavailable;
use crate::domain::{NewProject, Project, ProjectPatch, Slug};
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

/// Which way [`ProjectService::shift`] moves a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// One place earlier (towards the top of the page).
    Up,
    /// One place later.
    Down,
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

    /// Stores a new project and returns it as stored. Without a slug it gets its title's,
    /// numbered when another project has that one; a slug the owner wrote that another
    /// project has is a [`StoreError::Conflict`] (the database's unique index decides).
    pub async fn create(&self, new: NewProject) -> Result<Project, StoreError> {
        let project = match new.slug.clone() {
            Some(slug) => self.store.create_project(new).await.map_err(|e| conflict_names(e, &slug))?,
            None => self.create_with_a_slug_of_its_title(new).await?,
        };
        self.changed();
        tracing::info!(id = %project.id, "project created");
        Ok(project)
    }

    /// A slug made up from the projects as they are now; when a concurrent create takes it
    /// first (the unique index says so), it is made again.
    async fn create_with_a_slug_of_its_title(&self, mut new: NewProject) -> Result<Project, StoreError> {
        let mut attempts = 0;
        loop {
            let projects = self.store.list_all_projects().await?;
            let slug =
                Slug::first_free(&Slug::from_title(new.title.as_str()), |s| projects.iter().any(|p| p.slug == s));
            new.slug = Some(slug.clone());
            match self.store.create_project(new.clone()).await {
                Err(StoreError::Conflict(_)) if attempts < MADE_UP_SLUG_ATTEMPTS => attempts += 1,
                other => return other.map_err(|e| conflict_names(e, &slug)),
            }
        }
    }

    /// Applies a partial update; `None` when no such project exists. A slug another project has
    /// is a [`StoreError::Conflict`]; a new title leaves the slug as it is.
    pub async fn update(&self, id: Uuid, patch: ProjectPatch) -> Result<Option<Project>, StoreError> {
        let slug = patch.slug.clone();
        let updated = self.store.update_project(id, patch).await.map_err(|e| match &slug {
            Some(slug) => conflict_names(e, slug),
            None => e,
        })?;
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

    /// Moves a project one place up or down the order visitors see, hidden projects counted
    /// (a draft keeps its place for when it is shown). The projects are numbered again from 0 in
    /// their new order, and only those whose number changes are written: the order is a
    /// `sortOrder` each, as the API sets it, so ties (everything at the default 0) become
    /// distinct places the first time the owner moves one. `false` when no such project exists.
    pub async fn shift(&self, id: Uuid, shift: Shift) -> Result<bool, StoreError> {
        let mut projects = self.store.list_all_projects().await?;
        let Some(at) = projects.iter().position(|p| p.id == id) else {
            return Ok(false);
        };
        let to = match shift {
            Shift::Up => at.saturating_sub(1),
            Shift::Down => (at + 1).min(projects.len() - 1),
        };
        projects.swap(at, to);
        for (place, project) in projects.iter().enumerate() {
            let place = i32::try_from(place).unwrap_or(i32::MAX);
            if project.sort_order != place {
                let patch = ProjectPatch { sort_order: Some(place), ..ProjectPatch::default() };
                self.store.update_project(project.id, patch).await?;
            }
        }
        self.changed();
        tracing::info!(%id, ?shift, "project moved");
        Ok(true)
    }

    fn changed(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }
}

/// How often a create retries a slug it made up after losing a race for it.
const MADE_UP_SLUG_ATTEMPTS: u32 = 3;

/// A conflict (the only unique value a project has is its slug) as the owner reads it.
fn conflict_names(error: StoreError, slug: &Slug) -> StoreError {
    match error {
        StoreError::Conflict(_) => {
            StoreError::Conflict(format!("slug {} is already used by another project", slug.as_str()))
        }
        other => other,
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
