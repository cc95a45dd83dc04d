//! The SQLite store: an embedded file, so Folio runs with nothing configured. WAL mode lets
//! readers proceed while one writer writes; writes that find the file locked wait up to the
//! busy timeout.

mod contact;
mod decode;
mod migrate;
mod projects;
mod sessions;

use crate::{media, site_content};

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_sqlite::{Config, Hook, HookError, Pool, PoolError, Runtime, TimeoutType};
use folio_core::{
    AdminSession, ContactMessage, DatabaseKind, DeliveryOutcome, FileName, ImageChoice, InboxChange, Media,
    MigrationReport, NewContactMessage, NewMedia, NewProject, OutboxCounts, Project, ProjectImage, ProjectPatch,
    SiteContent, Store, StoreError, StoredFile, Timestamp,
};
use folio_metrics::{DbMetrics, PoolName};
use rusqlite::{ErrorCode, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use crate::pool_metrics::{acquire, pool_status};

/// Where the file is and how long a write waits for the lock.
#[derive(Debug, Clone)]
pub struct SqliteSettings {
    pub path: PathBuf,
    pub max_connections: usize,
    pub busy_timeout: Duration,
}

impl SqliteSettings {
    /// A file at `path` with the default limits.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), max_connections: 4, busy_timeout: Duration::from_secs(5) }
    }
}

/// SQLite behind a small pool of connections on blocking threads.
#[derive(Debug)]
pub struct SqliteStore {
    pool: Pool,
    health: Pool,
    path: PathBuf,
    metrics: DbMetrics,
}

impl SqliteStore {
    /// Opens (creating when needed) the database file and its directory.
    pub async fn open(settings: &SqliteSettings, metrics: DbMetrics) -> Result<Self, StoreError> {
        if let Some(dir) = settings.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Storage(format!("cannot create the database directory {}: {e}", dir.display()))
            })?;
        }
        check_writable(&settings.path)?;
        let pool = build_pool(settings, settings.max_connections)?;
        let health = build_pool(settings, 1)?;
        for (name, pool) in [(PoolName::Requests, &pool), (PoolName::Health, &health)] {
            let pool = pool.weak();
            metrics.pool.watch(name, move || pool.upgrade().map(|p| pool_status(p.status())));
        }
        Ok(Self { pool, health, path: settings.path.clone(), metrics })
    }

    /// Runs `work` on a connection of the named pool, on a blocking thread.
    async fn with_conn<T, F>(&self, pool: PoolName, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let get = match pool {
            PoolName::Requests => self.pool.get(),
            PoolName::Health => self.health.get(),
        };
        let wait_timed_out = |e: &PoolError| matches!(e, PoolError::Timeout(TimeoutType::Wait));
        let conn = acquire(&self.metrics, pool, get, wait_timed_out).await.map_err(|e| self.pool_error(e))?;
        match conn.interact(work).await {
            Ok(result) => result.map_err(|e| classify(e, &self.path)),
            Err(e) => Err(StoreError::Query(e.to_string().into())),
        }
    }

    fn pool_error(&self, error: deadpool_sqlite::PoolError) -> StoreError {
        match error {
            deadpool_sqlite::PoolError::Backend(e)
            | deadpool_sqlite::PoolError::PostCreateHook(HookError::Backend(e)) => classify(e, &self.path),
            other => StoreError::Unavailable(Box::new(other)),
        }
    }
}

/// An existing database file must be writable; saying why now beats SQLite's "unable to open
/// database file" at the first write.
fn check_writable(path: &std::path::Path) -> Result<(), StoreError> {
    if !path.exists() {
        return Ok(());
    }
    match std::fs::OpenOptions::new().append(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
            Err(StoreError::Storage(format!("{} is on a read-only file system", path.display())))
        }
        Err(e) => Err(StoreError::Storage(format!("{} cannot be opened for writing: {e}", path.display()))),
    }
}

fn build_pool(settings: &SqliteSettings, max_size: usize) -> Result<Pool, StoreError> {
    let busy = settings.busy_timeout;
    Config::new(&settings.path)
        .builder(Runtime::Tokio1)
        .map_err(|e| StoreError::Unavailable(Box::new(e)))?
        .max_size(max_size)
        .wait_timeout(Some(settings.busy_timeout))
        .post_create(Hook::async_fn(move |conn, _| {
            Box::pin(async move {
                conn.interact(move |c| prepare_connection(c, busy))
                    .await
                    .map_err(|e| HookError::message(e.to_string()))?
                    .map_err(HookError::Backend)
            })
        }))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| StoreError::Unavailable(Box::new(e)))
}

/// Sets up a new connection. Switching a fresh file to WAL takes an exclusive lock; when two
/// connections try it at the same moment SQLite refuses one at once with "database is locked"
/// rather than waiting (waiting could deadlock), so the switch is retried until the busy timeout.
fn prepare_connection(conn: &mut rusqlite::Connection, busy: Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(busy)?;
    let deadline = std::time::Instant::now() + busy;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get::<_, String>(0)) {
            Ok(_) => break,
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(e),
        }
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(error.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// The photo `choice` names (if any), as stored: the outer error is the database's, the inner
/// says that no such image is stored.
fn photo(
    tx: &rusqlite::Transaction<'_>,
    choice: Option<&ImageChoice>,
) -> rusqlite::Result<Result<Option<ProjectImage>, StoreError>> {
    let Some(choice) = choice else { return Ok(Ok(None)) };
    let found = tx
        .prepare_cached(media::SQLITE.fallback)?
        .query_row([choice.id.to_string()], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    Ok(media::photo(choice, found).map(Some))
}

/// A foreign key refused the change.
fn is_foreign_key_violation(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// A unique index or a primary key refused the row.
fn is_unique_violation(error: &rusqlite::Error) -> bool {
    use rusqlite::ffi::{SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE};
    matches!(error, rusqlite::Error::SqliteFailure(e, _)
        if matches!(e.extended_code, SQLITE_CONSTRAINT_UNIQUE | SQLITE_CONSTRAINT_PRIMARYKEY))
}

/// Sorts SQLite failures: a full disk or a read-only file is the operator's to fix, a locked
/// file is worth a retry, the rest are query errors.
fn classify(error: rusqlite::Error, path: &std::path::Path) -> StoreError {
    let shown = path.display();
    match error.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => StoreError::Storage(format!("the disk holding {shown} is full")),
        Some(ErrorCode::ReadOnly) => StoreError::Storage(format!("{shown} is read-only")),
        Some(ErrorCode::CannotOpen) => StoreError::Storage(format!(
            "cannot open {shown} (is its directory writable, and the file system not read-only?): {error}"
        )),
        Some(ErrorCode::SystemIoFailure) => StoreError::Storage(format!("I/O error on {shown}: {error}")),
        Some(ErrorCode::ConstraintViolation) if is_unique_violation(&error) => StoreError::Conflict(error.to_string()),
        Some(ErrorCode::ConstraintViolation) if is_foreign_key_violation(&error) => {
            StoreError::Refused(media::DANGLING_PHOTO.to_owned())
        }
        _ if is_busy(&error) => StoreError::Timeout(Box::new(error)),
        _ => StoreError::Query(Box::new(error)),
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn kind(&self) -> DatabaseKind {
        DatabaseKind::Sqlite
    }

    async fn migrate(&self) -> Result<MigrationReport, StoreError> {
        let conn = self.pool.get().await.map_err(|e| self.pool_error(e))?;
        let path = self.path.clone();
        match conn.interact(migrate::run).await {
            Ok(result) => result.map_err(|e| match e {
                migrate::Failure::Sqlite(e) => classify(e, &path),
                migrate::Failure::Plan(e) => e,
            }),
            Err(e) => Err(StoreError::Migration(e.to_string())),
        }
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.with_conn(PoolName::Health, |c| c.query_row("SELECT 1", [], |_| Ok(()))).await
    }

    async fn list_active_projects(&self) -> Result<Arc<Vec<Project>>, StoreError> {
        self.with_conn(PoolName::Requests, |c| {
            let mut statement = c.prepare_cached(projects::LIST_ACTIVE)?;
            statement.query_map([], projects::project)?.collect::<Result<Vec<_>, _>>().map(Arc::new)
        })
        .await
    }

    async fn list_all_projects(&self) -> Result<Vec<Project>, StoreError> {
        self.with_conn(PoolName::Requests, |c| {
            c.prepare_cached(projects::LIST_ALL)?.query_map([], projects::project)?.collect()
        })
        .await
    }

    async fn get_project(&self, id: Uuid) -> Result<Option<Project>, StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(projects::GET)?.query_row([id.to_string()], projects::project).optional()
        })
        .await
    }

    async fn create_project(&self, new: NewProject) -> Result<Project, StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let image = match photo(&tx, new.image.as_ref())? {
                Ok(image) => image,
                Err(refused) => return Ok(Err(refused)),
            };
            let p = new.into_project(Uuid::new_v4(), Timestamp::now(), image);
            tx.prepare_cached(projects::INSERT)?.execute(projects::values(&p))?;
            tx.commit()?;
            Ok(Ok(p))
        })
        .await?
    }

    async fn update_project(&self, id: Uuid, patch: ProjectPatch) -> Result<Option<Project>, StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found = tx.prepare_cached(projects::GET)?.query_row([id.to_string()], projects::project).optional()?;
            let Some(mut p) = found else {
                return Ok(Ok(None));
            };
            let image = match photo(&tx, patch.image.as_ref().and_then(Option::as_ref))? {
                Ok(image) => image,
                Err(refused) => return Ok(Err(refused)),
            };
            p.apply(patch, image, Timestamp::now());
            tx.prepare_cached(projects::UPDATE)?.execute(projects::values(&p))?;
            tx.commit()?;
            Ok(Ok(Some(p)))
        })
        .await?
    }

    async fn delete_project(&self, id: Uuid) -> Result<bool, StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(projects::DELETE)?.execute([id.to_string()]).map(|n| n > 0)
        })
        .await
    }

    async fn insert_contact_message(
        &self,
        new: NewContactMessage,
        max_unread: u32,
    ) -> Result<Option<ContactMessage>, StoreError> {
        let m = new.into_message(Uuid::new_v4(), Timestamp::now());
        let stored = m.clone();
        let inserted = self
            .with_conn(PoolName::Requests, move |c| {
                let d = &m.delivery;
                c.prepare_cached(contact::INSERT)?.execute(params![
                    m.id.to_string(),
                    m.name,
                    m.email,
                    m.subject,
                    m.message,
                    m.created_at.to_rfc3339(),
                    m.read_at.map(|t| t.to_rfc3339()),
                    d.state.as_str(),
                    d.attempts,
                    d.next_attempt_at.map(|t| t.to_rfc3339()),
                    d.last_error,
                    d.sent_at.map(|t| t.to_rfc3339()),
                    max_unread,
                ])
            })
            .await?;
        Ok((inserted > 0).then_some(stored))
    }

    async fn mark_contact_messages_read(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        let ids = ids.to_vec();
        let now = Timestamp::now().to_rfc3339();
        self.with_conn(PoolName::Requests, move |c| {
            let tx = c.transaction()?;
            let mut marked = 0;
            {
                let mut statement = tx.prepare_cached(contact::MARK_READ)?;
                for id in ids {
                    marked += statement.execute(params![id.to_string(), now])? as u64;
                }
            }
            tx.commit()?;
            Ok(marked)
        })
        .await
    }

    async fn list_contact_messages(&self, limit: u32) -> Result<Vec<ContactMessage>, StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(contact::LIST)?.query_map([limit], contact::message)?.collect()
        })
        .await
    }

    async fn change_contact_message(&self, id: Uuid, change: InboxChange, at: Timestamp) -> Result<bool, StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            let mut statement = c.prepare_cached(contact::change(change))?;
            let changed = match change {
                InboxChange::Delete => statement.execute([id.to_string()])?,
                _ => statement.execute(params![id.to_string(), at.to_rfc3339()])?,
            };
            Ok(changed > 0)
        })
        .await
    }

    async fn site_content(&self) -> Result<Option<SiteContent>, StoreError> {
        let text: Option<String> = self
            .with_conn(PoolName::Requests, |c| {
                c.prepare_cached(site_content::SQLITE.select)?.query_row([], |row| row.get(0)).optional()
            })
            .await?;
        text.as_deref().map(site_content::decode).transpose()
    }

    async fn seed_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<bool, StoreError> {
        let document = site_content::encode(content);
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(site_content::SQLITE.seed)?.execute(params![document, at.to_rfc3339()]).map(|n| n > 0)
        })
        .await
    }

    async fn put_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<(), StoreError> {
        let document = site_content::encode(content);
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(site_content::SQLITE.put)?.execute(params![document, at.to_rfc3339()]).map(|_| ())
        })
        .await
    }

    async fn create_media(&self, id: Uuid, new: NewMedia, at: Timestamp) -> Result<(), StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let id = id.to_string();
            tx.prepare_cached(media::SQLITE.insert)?.execute(params![id, new.width, new.height, at.to_rfc3339()])?;
            {
                let mut insert = tx.prepare_cached(media::SQLITE.insert_file)?;
                for f in &new.files {
                    let content_type = f.name.format().content_type();
                    insert.execute(params![id, f.name.to_string(), content_type, f.width, f.height, f.bytes])?;
                }
            }
            tx.commit()
        })
        .await
    }

    async fn list_media(&self) -> Result<Vec<Media>, StoreError> {
        let rows = self
            .with_conn(PoolName::Requests, |c| c.prepare_cached(media::SQLITE.list)?.query_map([], joined)?.collect())
            .await?;
        media::group(rows)
    }

    async fn get_media(&self, id: Uuid) -> Result<Option<Media>, StoreError> {
        let rows = self
            .with_conn(PoolName::Requests, move |c| {
                c.prepare_cached(media::SQLITE.get)?.query_map([id.to_string()], joined)?.collect()
            })
            .await?;
        media::one(rows)
    }

    async fn media_file(&self, id: Uuid, name: FileName) -> Result<Option<StoredFile>, StoreError> {
        let bytes: Option<Vec<u8>> = self
            .with_conn(PoolName::Requests, move |c| {
                c.prepare_cached(media::SQLITE.file)?
                    .query_row(params![id.to_string(), name.to_string()], |row| row.get(0))
                    .optional()
            })
            .await?;
        Ok(bytes.map(|bytes| StoredFile { format: name.format(), bytes }))
    }

    async fn delete_media(&self, id: Uuid) -> Result<bool, StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let id = id.to_string();
            let shown: Option<String> =
                tx.prepare_cached(media::SQLITE.shown_by)?.query_row([&id], |row| row.get(0)).optional()?;
            if let Some(title) = shown {
                return Ok(Err(media::shown_by(&title)));
            }
            let deleted = tx.prepare_cached(media::SQLITE.delete)?.execute([&id])? > 0;
            tx.commit()?;
            Ok(Ok(deleted))
        })
        .await?
    }

    async fn create_session(&self, session: AdminSession) -> Result<(), StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            let s = &session;
            let times = [s.created_at, s.last_seen_at, s.expires_at].map(|t| t.to_rfc3339());
            c.prepare_cached(sessions::INSERT)?.execute(params![s.id_hash, times[0], times[1], times[2]])?;
            Ok(())
        })
        .await
    }

    async fn find_session(&self, id_hash: &str) -> Result<Option<AdminSession>, StoreError> {
        let id_hash = id_hash.to_owned();
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(sessions::FIND)?.query_row([id_hash], sessions::session).optional()
        })
        .await
    }

    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<(), StoreError> {
        let id_hash = id_hash.to_owned();
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(sessions::TOUCH)?.execute(params![id_hash, at.to_rfc3339()]).map(|_| ())
        })
        .await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        let id_hash = id_hash.to_owned();
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(sessions::DELETE)?.execute([id_hash]).map(|n| n > 0)
        })
        .await
    }

    async fn delete_expired_sessions(&self, now: Timestamp, idle_cutoff: Timestamp) -> Result<u64, StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(sessions::DELETE_EXPIRED)?
                .execute(params![now.to_rfc3339(), idle_cutoff.to_rfc3339()])
                .map(|n| n as u64)
        })
        .await
    }

    async fn claim_due_notifications(
        &self,
        limit: u32,
        lease_until: Timestamp,
    ) -> Result<Vec<ContactMessage>, StoreError> {
        let (now, until) = (Timestamp::now().to_rfc3339(), lease_until.to_rfc3339());
        self.with_conn(PoolName::Requests, move |c| {
            c.prepare_cached(contact::CLAIM_DUE)?.query_map(params![now, limit, until], contact::message)?.collect()
        })
        .await
    }

    async fn record_delivery(&self, id: Uuid, outcome: DeliveryOutcome) -> Result<(), StoreError> {
        self.with_conn(PoolName::Requests, move |c| {
            let state = outcome.state();
            match outcome {
                DeliveryOutcome::Sent { at } => {
                    c.prepare_cached(contact::RECORD_SENT)?.execute(params![id.to_string(), at.to_rfc3339()])?
                }
                DeliveryOutcome::Failed { error, retry_at } => c
                    .prepare_cached(contact::RECORD_FAILED)?
                    .execute(params![id.to_string(), error, retry_at.map(|t| t.to_rfc3339()), state.as_str(),])?,
            };
            Ok(())
        })
        .await
    }

    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows = self
            .with_conn(PoolName::Requests, |c| {
                c.prepare_cached(contact::COUNTS)?.query_map([], contact::count)?.collect::<Result<Vec<_>, _>>()
            })
            .await?;
        let mut counts = OutboxCounts::default();
        for (state, count, oldest) in rows {
            counts.add(state, count, oldest);
        }
        Ok(counts)
    }

    async fn close(&self) {
        self.pool.close();
        self.health.close();
    }
}

/// A row of the images' joined reads.
fn joined(row: &rusqlite::Row<'_>) -> rusqlite::Result<media::Joined> {
    Ok((
        decode::parse(row, 0, Uuid::try_parse)?,
        row.get(1)?,
        row.get(2)?,
        decode::parse(row, 3, Timestamp::parse)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        u64::try_from(row.get::<_, i64>(7)?).unwrap_or(0),
    ))
}
