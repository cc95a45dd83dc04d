//! The owner's site content: what the pages show of them, one document. The first start of an
//! empty database seeds it; after that the database wins, and every write through this process
//! moves [`SiteContentService::version`], so the site in the same process shows it at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

use super::Unavailable;
use crate::domain::Timestamp;
use crate::domain::site_content::{Problem, SiteContent};
use crate::store::{Store, StoreError};

/// What the site reads, whether the content is in this process or behind the API.
#[async_trait]
pub trait SiteContentSource: Send + Sync + std::fmt::Debug {
    /// The content as stored now.
    async fn site_content(&self) -> Result<Arc<SiteContent>, Unavailable>;

    /// A number that changes whenever the content changes, where this side can know (in the
    /// process that writes it); constant elsewhere.
    fn version(&self) -> u64 {
        0
    }
}

/// Why a change of the content was not stored.
#[derive(Debug, thiserror::Error)]
pub enum SiteContentError {
    /// The document breaks a rule; every problem, by path.
    #[error("the site content is not valid")]
    Invalid(Vec<Problem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The site content's use cases over a store.
#[derive(Debug)]
pub struct SiteContentService {
    store: Arc<dyn Store>,
    version: AtomicU64,
}

impl SiteContentService {
    /// The use cases over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, version: AtomicU64::new(0) }
    }

    /// The stored content; `None` before the first start seeded it.
    pub async fn get(&self) -> Result<Option<SiteContent>, StoreError> {
        self.store.site_content().await
    }

    /// Stores `seed` when no content is stored, or when the stored content is one `replaceable`
    /// says the seed may take the place of (the demo, stored before the owner gave theirs);
    /// returns what is stored then, and whether it is `seed` this call stored. Replicas
    /// starting together store one seed.
    pub async fn seed(
        &self,
        seed: &SiteContent,
        replaceable: impl Fn(&SiteContent) -> bool + Send,
    ) -> Result<(SiteContent, bool), StoreError> {
        if self.store.seed_site_content(seed, Timestamp::now()).await? {
            self.changed();
            return Ok((seed.clone(), true));
        }
        match self.store.site_content().await? {
            Some(current) if current != *seed && replaceable(&current) => {
                self.store.put_site_content(seed, Timestamp::now()).await?;
                self.changed();
                Ok((seed.clone(), true))
            }
            Some(current) => Ok((current, false)),
            // Seeding found a row and nothing deletes it; if one did, the seed is what to show.
            None => Ok((seed.clone(), false)),
        }
    }

    /// Replaces the content with `content`, once it is checked.
    pub async fn put(&self, content: SiteContent) -> Result<SiteContent, SiteContentError> {
        let problems = content.problems();
        if !problems.is_empty() {
            return Err(SiteContentError::Invalid(problems));
        }
        self.store.put_site_content(&content, Timestamp::now()).await?;
        self.changed();
        tracing::info!("site content changed");
        Ok(content)
    }

    fn changed(&self) {
        self.version.fetch_add(1, Ordering::Release);
    }
}

#[async_trait]
impl SiteContentSource for SiteContentService {
    async fn site_content(&self) -> Result<Arc<SiteContent>, Unavailable> {
        match self.get().await? {
            Some(content) => Ok(Arc::new(content)),
            None => Err(Unavailable::Remote { timed_out: false, why: "no site content is stored yet".to_owned() }),
        }
    }

    fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }
}
