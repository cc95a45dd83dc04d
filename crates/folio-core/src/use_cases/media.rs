//! The owner's images. An upload is checked and re-encoded by `folio-media` (a clean master,
//! WebP variants, a fallback; the upload itself, with the photo's metadata, is never stored),
//! on a blocking thread and one upload at a time per process, so two large photos never hold
//! their pixels at once; then stored all or nothing. Files read are kept in a small cache in
//! memory ([`FILE_CACHE_BYTES`]), since a file never changes once stored.

use std::sync::Arc;

use quick_cache::Weighter;
use quick_cache::sync::Cache;
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::domain::Timestamp;
use crate::domain::media::{FileName, Kind, Media, NewMedia, NewMediaFile, StoredFile};
use crate::store::{Store, StoreError};

pub use folio_media::{MAX_UPLOAD_BYTES, Refused};

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The file is not an image Folio takes; nothing was stored.
    #[error(transparent)]
    Refused(Refused),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Bytes of files kept in memory at most, least recently used out first: the variants a site's
/// pages show (20 cards' 960-pixel WebP files are about 2 MiB), without reading them from the
/// database for each request. Behind CloudFront, which keeps them for a year, it is seldom
/// needed; without it (or on the edge's misses), it spares the database.
pub const FILE_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// A file's place in the cache. Only files read from the store are put in, so the keys are
/// those of stored files, never whatever a client asks for.
type FileKey = (Uuid, FileName);

#[derive(Debug, Clone)]
struct BySize;

impl Weighter<FileKey, Arc<StoredFile>> for BySize {
    fn weight(&self, _key: &FileKey, file: &Arc<StoredFile>) -> u64 {
        file.bytes.len() as u64
    }
}

/// The images' use cases over a store.
#[derive(Debug)]
pub struct MediaService {
    store: Arc<dyn Store>,
    /// One upload decoded at a time; the permit goes with the work, so a request that gives up
    /// (a timeout) does not let the next upload start beside the one still running.
    processing: Arc<Semaphore>,
    /// Files served lately. A deleted image leaves this process's cache at once; another API
    /// task may serve it until it falls out of its own, as CloudFront may until it evicts it.
    files: Cache<FileKey, Arc<StoredFile>, BySize>,
}

impl MediaService {
    /// The use cases over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        // quick_cache sizes its table by an estimate of the entries: files of about 100 KB.
        let files = Cache::with_weighter(160, FILE_CACHE_BYTES, BySize);
        Self { store, processing: Arc::new(Semaphore::new(1)), files }
    }

    /// Processes an upload declared as `declared` and stores what it makes.
    pub async fn upload(&self, declared: Kind, upload: impl AsRef<[u8]> + Send + 'static) -> Result<Media, MediaError> {
        let turn = Arc::clone(&self.processing).acquire_owned().await.expect("the semaphore is never closed");
        let processed = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            folio_media::process(declared, upload.as_ref())
        })
        .await
        .unwrap_or_else(|panicked| std::panic::resume_unwind(panicked.into_panic()))
        .map_err(MediaError::Refused)?;
        let new = stored_form(processed);
        let (id, at) = (Uuid::new_v4(), Timestamp::now());
        let media = new.describe(id, at);
        self.store.create_media(id, new, at).await?;
        Ok(media)
    }

    /// Every image, newest first.
    pub async fn list(&self) -> Result<Vec<Media>, StoreError> {
        self.store.list_media().await
    }

    /// One image.
    pub async fn get(&self, id: Uuid) -> Result<Option<Media>, StoreError> {
        self.store.get_media(id).await
    }

    /// One file's bytes: from the cache, or read from the store (and kept).
    pub async fn file(&self, id: Uuid, name: FileName) -> Result<Option<Arc<StoredFile>>, StoreError> {
        if let Some(file) = self.files.get(&(id, name)) {
            return Ok(Some(file));
        }
        let Some(file) = self.store.media_file(id, name).await?.map(Arc::new) else {
            return Ok(None);
        };
        self.files.insert((id, name), Arc::clone(&file));
        Ok(Some(file))
    }

    /// Deletes an image and its files; `false` when there was none.
    pub async fn delete(&self, id: Uuid) -> Result<bool, StoreError> {
        let deleted = self.store.delete_media(id).await?;
        self.files.retain(|key, _| key.0 != id);
        Ok(deleted)
    }
}

/// The files of a processed upload, named as they are stored and served.
fn stored_form(processed: folio_media::Processed) -> NewMedia {
    let file = |name, encoded: folio_media::Encoded| NewMediaFile {
        name,
        width: encoded.width,
        height: encoded.height,
        bytes: encoded.bytes,
    };
    let master = file(FileName::Master(processed.master.kind), processed.master);
    let variants = processed.variants.into_iter().map(|v| file(FileName::Webp(v.width), v));
    let fallback = file(FileName::Fallback(processed.fallback.kind), processed.fallback);
    NewMedia {
        width: processed.width,
        height: processed.height,
        files: std::iter::once(master).chain(variants).chain(std::iter::once(fallback)).collect(),
    }
}
