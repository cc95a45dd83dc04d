//! The PostgreSQL store: a pool for requests, one reserved connection for health checks, and a
//! dedicated session for migrations.

mod app_role;
mod contact;
mod errors;
mod migrate;
mod projects;
mod sessions;

use crate::{media, site_content};
mod settings;
mod tls;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime, TimeoutType};
use folio_core::{
    AdminSession, ContactMessage, DatabaseKind, DeliveryOutcome, FileName, ImageChoice, InboxChange, Media,
    MigrationReport, NewContactMessage, NewMedia, NewProject, OutboxCounts, Project, ProjectImage, ProjectPatch,
    SiteContent, Store, StoreError, StoredFile, Timestamp,
};
use folio_metrics::{DbMetrics, PoolName};
use tokio_postgres::Row;
use tokio_postgres::config::SslMode as PgSslMode;
use tokio_postgres::types::ToSql;
use tokio_postgres_rustls::MakeRustlsConnect;
use uuid::Uuid;

pub use app_role::{AppRole, Provisioned};
pub use settings::{PgSettings, PgUrl, PoolSettings, RootCerts, SslMode};

use crate::pool_metrics::{acquire, pool_status};

/// How long the health check waits for its reserved connection and its `SELECT 1`.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(1);

/// PostgreSQL behind a connection pool.
pub struct PgStore {
    pool: Pool,
    health: Pool,
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    roots_hint: String,
    metrics: DbMetrics,
    fatal: tokio::sync::watch::Sender<Option<String>>,
}

impl PgStore {
    /// Builds the pools. No connection is opened until one is needed, so this fails only on
    /// configuration problems (an unreadable CA file, say).
    pub async fn connect(settings: &PgSettings, metrics: DbMetrics) -> Result<Self, StoreError> {
        let tls = tls::connector(settings.ssl_mode, settings.ssl_root_cert.as_ref())?;
        let config = driver_config(settings);
        let pool = build_pool(
            &config,
            &tls,
            settings.pool.max_size,
            settings.pool.acquire_timeout,
            settings.pool.connect_timeout,
        )?;
        let health = build_pool(&config, &tls, 1, HEALTH_TIMEOUT, HEALTH_TIMEOUT)?;
        for (name, pool) in [(PoolName::Requests, &pool), (PoolName::Health, &health)] {
            let pool = pool.weak();
            metrics.pool.watch(name, move || pool.upgrade().map(|p| pool_status(p.status())));
        }
        let roots_hint = match &settings.ssl_root_cert {
            Some(RootCerts::File(path)) => format!(" (the certificate must chain to a CA in {})", path.display()),
            Some(RootCerts::System) => " (the certificate must chain to a public CA)".to_owned(),
            None => String::new(),
        };
        Ok(Self { pool, health, config, tls, roots_hint, metrics, fatal: tokio::sync::watch::Sender::new(None) })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.connection(&self.pool, PoolName::Requests).await
    }

    /// A connection from `pool`, its wait recorded.
    async fn connection(&self, pool: &Pool, name: PoolName) -> Result<deadpool_postgres::Object, StoreError> {
        let wait_timed_out = |e: &PoolError| matches!(e, PoolError::Timeout(TimeoutType::Wait));
        acquire(&self.metrics, name, pool.get(), wait_timed_out)
            .await
            .map_err(|e| self.noticed(errors::classify_pool(e, &self.roots_hint)))
    }

    fn classify(&self, error: tokio_postgres::Error) -> StoreError {
        self.noticed(errors::classify(error, &self.roots_hint))
    }

    /// Passes `error` through, remembering a credentials error so [`Store::fatal`] completes.
    fn noticed(&self, error: StoreError) -> StoreError {
        if let StoreError::Credentials(reason) = &error {
            self.fatal.send_replace(Some(reason.clone()));
        }
        error
    }

    /// Creates the application role, or sets its password again (see [`app_role`]); the store
    /// must be connected as a user allowed to create roles (RDS's master user).
    pub async fn provision_app_role(&self, role: &AppRole) -> Result<Provisioned, StoreError> {
        self.in_own_session(|mut client| async move { app_role::provision(&mut client, role, migrate::LOCK_KEY).await })
            .await
    }

    /// Runs `work` on a connection of its own (not from the pools), closed afterwards: session
    /// locks live as long as it, and dropping it releases them even if `work` fails.
    async fn in_own_session<T, F, Fut>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(tokio_postgres::Client) -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        // `connect_timeout` bounds only the TCP connect; a peer that accepts and never answers
        // (a wrong port, a black-holed proxy) must not hang the start-up either.
        let limit = self.config.get_connect_timeout().copied().unwrap_or(HEALTH_TIMEOUT) * 2;
        let (client, connection) = tokio::time::timeout(limit, self.config.connect(self.tls.clone()))
            .await
            .map_err(|_| {
                let why = format!("no answer from the database within {} s", limit.as_secs_f64());
                StoreError::Unavailable(why.into())
            })?
            .map_err(|e| self.classify(e))?;
        let driver = tokio::spawn(connection);
        let result = work(client).await;
        // The client is gone, so the connection task ends; its result adds nothing.
        let _ = driver.await;
        result
    }

    /// Runs a (cached, prepared) query on a pooled connection.
    async fn query(&self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        let client = self.client().await?;
        run_query(&client, sql, params).await.map_err(|e| self.classify(e))
    }

    /// Runs a query that changes nothing. A pooled connection the server ended while it sat idle
    /// (a failover, RDS maintenance, `pg_terminate_backend`) shows it only when next used, so a
    /// read that finds its connection gone is tried once more on another. Writes never are: a
    /// connection lost mid-statement leaves unknown whether it committed.
    async fn read(&self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        let client = self.client().await?;
        match run_query(&client, sql, params).await {
            Err(e) if connection_lost(&e) => {
                // Out of the pool for good, so the retry cannot be handed the same connection.
                drop(deadpool_postgres::Object::take(client));
                let client = self.client().await?;
                run_query(&client, sql, params).await.map_err(|e| self.classify(e))
            }
            result => result.map_err(|e| self.classify(e)),
        }
    }

    /// Runs a (cached, prepared) statement on a pooled connection; returns the rows affected.
    async fn execute(&self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(|e| self.classify(e))?;
        client.execute(&statement, params).await.map_err(|e| self.classify(e))
    }
}

impl PgStore {
    /// The photo `choice` names, as stored; refused when no such image is. Outside the write's
    /// transaction: an image deleted in between is refused by the foreign key.
    async fn photo(&self, choice: &ImageChoice) -> Result<ProjectImage, StoreError> {
        let rows = self.query(media::POSTGRES.fallback, &[&choice.id]).await?;
        let found = rows.first().map(|row| {
            let dimension = |i| u32::try_from(row.get::<_, i32>(i)).unwrap_or(0);
            (row.get(0), dimension(1), dimension(2))
        });
        media::photo(choice, found)
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The driver configuration holds the password; show only where the store points.
        f.debug_struct("PgStore")
            .field("hosts", &self.config.get_hosts())
            .field("dbname", &self.config.get_dbname())
            .field("pool", &self.pool.status())
            .finish_non_exhaustive()
    }
}

fn driver_config(settings: &PgSettings) -> tokio_postgres::Config {
    let mut config = tokio_postgres::Config::new();
    config
        .host(&settings.host)
        .port(settings.port)
        .dbname(&settings.dbname)
        .user(&settings.user)
        .application_name("folio")
        .connect_timeout(settings.pool.connect_timeout)
        .keepalives_idle(Duration::from_secs(30))
        .options(format!("-c statement_timeout={}", settings.pool.statement_timeout.as_millis()))
        .ssl_mode(match settings.ssl_mode {
            SslMode::Disable => PgSslMode::Disable,
            SslMode::Prefer => PgSslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => PgSslMode::Require,
        });
    if let Some(password) = settings.password_bytes() {
        config.password(password);
    }
    config
}

/// Prepares (once per connection) and runs `sql`.
async fn run_query(
    client: &deadpool_postgres::Client,
    sql: &'static str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>, tokio_postgres::Error> {
    let statement = client.prepare_cached(sql).await?;
    client.query(&statement, params).await
}

/// Whether `error` says the connection was already gone, so the statement never ran: the
/// driver found it closed, or the server's last words were that it was shutting the session
/// down (57P01 terminated by an administrator, 57P02 crash shutdown).
fn connection_lost(error: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    error.is_closed()
        || matches!(error.code(), Some(c) if *c == SqlState::ADMIN_SHUTDOWN || *c == SqlState::CRASH_SHUTDOWN)
}

fn build_pool(
    config: &tokio_postgres::Config,
    tls: &MakeRustlsConnect,
    max_size: usize,
    wait: Duration,
    create: Duration,
) -> Result<Pool, StoreError> {
    let manager =
        Manager::from_config(config.clone(), tls.clone(), ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager)
        .max_size(max_size)
        .wait_timeout(Some(wait))
        .create_timeout(Some(create))
        .recycle_timeout(Some(create))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| StoreError::Unavailable(Box::new(e)))
}

#[async_trait]
impl Store for PgStore {
    fn kind(&self) -> DatabaseKind {
        DatabaseKind::Postgres
    }

    async fn migrate(&self) -> Result<MigrationReport, StoreError> {
        self.in_own_session(|mut client| async move { migrate::run(&mut client).await }).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let client = self.connection(&self.health, PoolName::Health).await?;
        let answer = match tokio::time::timeout(HEALTH_TIMEOUT, client.simple_query("SELECT 1")).await {
            // As for reads: a reserved connection the server ended is replaced, not reported.
            Ok(Err(e)) if connection_lost(&e) => {
                drop(deadpool_postgres::Object::take(client));
                let client = self.connection(&self.health, PoolName::Health).await?;
                tokio::time::timeout(HEALTH_TIMEOUT, client.simple_query("SELECT 1")).await
            }
            answer => answer,
        };
        match answer {
            Ok(result) => result.map(drop).map_err(|e| self.classify(e)),
            Err(_) => Err(StoreError::Timeout("the health query took longer than 1 s".into())),
        }
    }

    async fn list_active_projects(&self) -> Result<Arc<Vec<Project>>, StoreError> {
        Ok(Arc::new(self.read(projects::LIST_ACTIVE, &[]).await?.iter().map(projects::project).collect()))
    }

    async fn list_all_projects(&self) -> Result<Vec<Project>, StoreError> {
        Ok(self.read(projects::LIST_ALL, &[]).await?.iter().map(projects::project).collect())
    }

    async fn get_project(&self, id: Uuid) -> Result<Option<Project>, StoreError> {
        Ok(self.read(projects::GET, &[&id]).await?.first().map(projects::project))
    }

    async fn create_project(&self, new: NewProject) -> Result<Project, StoreError> {
        let image = match &new.image {
            Some(choice) => Some(self.photo(choice).await?),
            None => None,
        };
        let p = new.into_project(Uuid::new_v4(), Timestamp::now(), image);
        let image = projects::image_columns(&p);
        self.execute(projects::INSERT, &projects::values(&p, &projects::timestamps(&p), &image)).await?;
        Ok(p)
    }

    async fn update_project(&self, id: Uuid, patch: ProjectPatch) -> Result<Option<Project>, StoreError> {
        let image = match patch.image.as_ref().and_then(Option::as_ref) {
            Some(choice) => Some(self.photo(choice).await?),
            None => None,
        };
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(|e| self.classify(e))?;
        let select = tx.prepare_cached(projects::GET_FOR_UPDATE).await.map_err(|e| self.classify(e))?;
        let Some(row) = tx.query_opt(&select, &[&id]).await.map_err(|e| self.classify(e))? else {
            return Ok(None);
        };
        let mut p = projects::project(&row);
        p.apply(patch, image, Timestamp::now());
        let update = tx.prepare_cached(projects::UPDATE).await.map_err(|e| self.classify(e))?;
        let (at, image) = (projects::timestamps(&p), projects::image_columns(&p));
        tx.execute(&update, &projects::values(&p, &at, &image)).await.map_err(|e| self.classify(e))?;
        tx.commit().await.map_err(|e| self.classify(e))?;
        Ok(Some(p))
    }

    async fn delete_project(&self, id: Uuid) -> Result<bool, StoreError> {
        Ok(self.execute(projects::DELETE, &[&id]).await? > 0)
    }

    async fn insert_contact_message(
        &self,
        new: NewContactMessage,
        max_unread: u32,
    ) -> Result<Option<ContactMessage>, StoreError> {
        let m = new.into_message(Uuid::new_v4(), Timestamp::now());
        let d = &m.delivery;
        let (created, read) = (m.created_at.as_datetime(), m.read_at.map(|t| t.as_datetime()));
        let (next, sent) = (d.next_attempt_at.map(|t| t.as_datetime()), d.sent_at.map(|t| t.as_datetime()));
        let cap = i64::from(max_unread);
        let inserted = self
            .execute(
                contact::INSERT,
                &[
                    &m.id,
                    &m.name,
                    &m.email,
                    &m.subject,
                    &m.message,
                    &created,
                    &read,
                    &d.state.as_str(),
                    &d.attempts,
                    &next,
                    &d.last_error,
                    &sent,
                    &cap,
                ],
            )
            .await?;
        Ok((inserted > 0).then_some(m))
    }

    async fn mark_contact_messages_read(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        self.execute(contact::MARK_READ, &[&ids, &Timestamp::now().as_datetime()]).await
    }

    async fn list_contact_messages(&self, limit: u32) -> Result<Vec<ContactMessage>, StoreError> {
        let limit = i64::from(limit);
        Ok(self.read(contact::LIST, &[&limit]).await?.iter().map(contact::message).collect())
    }

    async fn change_contact_message(&self, id: Uuid, change: InboxChange, at: Timestamp) -> Result<bool, StoreError> {
        let at = at.as_datetime();
        let changed = match change {
            InboxChange::Delete => self.execute(contact::DELETE, &[&id]).await?,
            _ => self.execute(contact::change(change), &[&id, &at]).await?,
        };
        Ok(changed > 0)
    }

    async fn site_content(&self) -> Result<Option<SiteContent>, StoreError> {
        let rows = self.query(site_content::POSTGRES.select, &[]).await?;
        rows.first().map(|row| site_content::decode(row.get(0))).transpose()
    }

    async fn seed_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<bool, StoreError> {
        let document = site_content::encode(content);
        Ok(self.execute(site_content::POSTGRES.seed, &[&document, &at.as_datetime()]).await? > 0)
    }

    async fn put_site_content(&self, content: &SiteContent, at: Timestamp) -> Result<(), StoreError> {
        let document = site_content::encode(content);
        self.execute(site_content::POSTGRES.put, &[&document, &at.as_datetime()]).await.map(|_| ())
    }

    async fn create_media(&self, id: Uuid, new: NewMedia, at: Timestamp) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(|e| self.classify(e))?;
        let insert = tx.prepare_cached(media::POSTGRES.insert).await.map_err(|e| self.classify(e))?;
        let (width, height) = (media::dimension(new.width), media::dimension(new.height));
        tx.execute(&insert, &[&id, &width, &height, &at.as_datetime()]).await.map_err(|e| self.classify(e))?;
        let insert_file = tx.prepare_cached(media::POSTGRES.insert_file).await.map_err(|e| self.classify(e))?;
        for f in &new.files {
            let (name, content_type) = (f.name.to_string(), f.name.format().content_type());
            let (width, height) = (media::dimension(f.width), media::dimension(f.height));
            tx.execute(&insert_file, &[&id, &name, &content_type, &width, &height, &f.bytes])
                .await
                .map_err(|e| self.classify(e))?;
        }
        tx.commit().await.map_err(|e| self.classify(e))
    }

    async fn list_media(&self) -> Result<Vec<Media>, StoreError> {
        media::group(self.read(media::POSTGRES.list, &[]).await?.iter().map(joined).collect())
    }

    async fn get_media(&self, id: Uuid) -> Result<Option<Media>, StoreError> {
        media::one(self.read(media::POSTGRES.get, &[&id]).await?.iter().map(joined).collect())
    }

    async fn media_file(&self, id: Uuid, name: FileName) -> Result<Option<StoredFile>, StoreError> {
        let rows = self.read(media::POSTGRES.file, &[&id, &name.to_string()]).await?;
        Ok(rows.first().map(|row| StoredFile { format: name.format(), bytes: row.get(0) }))
    }

    async fn delete_media(&self, id: Uuid) -> Result<bool, StoreError> {
        if let Some(row) = self.query(media::POSTGRES.shown_by, &[&id]).await?.first() {
            return Err(media::shown_by(row.get(0)));
        }
        // A project given this photo since is refused by the foreign key.
        Ok(self.execute(media::POSTGRES.delete, &[&id]).await? > 0)
    }

    async fn create_session(&self, session: AdminSession) -> Result<(), StoreError> {
        let s = &session;
        let times = [s.created_at, s.last_seen_at, s.expires_at].map(|t| t.as_datetime());
        self.execute(sessions::INSERT, &[&s.id_hash, &times[0], &times[1], &times[2]]).await.map(|_| ())
    }

    async fn find_session(&self, id_hash: &str) -> Result<Option<AdminSession>, StoreError> {
        Ok(self.query(sessions::FIND, &[&id_hash]).await?.first().map(sessions::session))
    }

    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<(), StoreError> {
        self.execute(sessions::TOUCH, &[&id_hash, &at.as_datetime()]).await.map(|_| ())
    }

    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        Ok(self.execute(sessions::DELETE, &[&id_hash]).await? > 0)
    }

    async fn delete_expired_sessions(&self, now: Timestamp, idle_cutoff: Timestamp) -> Result<u64, StoreError> {
        self.execute(sessions::DELETE_EXPIRED, &[&now.as_datetime(), &idle_cutoff.as_datetime()]).await
    }

    async fn claim_due_notifications(
        &self,
        limit: u32,
        lease_until: Timestamp,
    ) -> Result<Vec<ContactMessage>, StoreError> {
        let (now, until, limit) = (Timestamp::now().as_datetime(), lease_until.as_datetime(), i64::from(limit));
        Ok(self.query(contact::CLAIM_DUE, &[&now, &limit, &until]).await?.iter().map(contact::message).collect())
    }

    async fn record_delivery(&self, id: Uuid, outcome: DeliveryOutcome) -> Result<(), StoreError> {
        let state = outcome.state();
        match outcome {
            DeliveryOutcome::Sent { at } => {
                self.execute(contact::RECORD_SENT, &[&id, &at.as_datetime()]).await?;
            }
            DeliveryOutcome::Failed { error, retry_at } => {
                let retry = retry_at.map(|t| t.as_datetime());
                self.execute(contact::RECORD_FAILED, &[&id, &error, &retry, &state.as_str()]).await?;
            }
        }
        Ok(())
    }

    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let mut counts = OutboxCounts::default();
        for row in self.read(contact::COUNTS, &[]).await? {
            contact::add_count(&mut counts, &row);
        }
        Ok(counts)
    }

    async fn fatal(&self) -> String {
        let mut fatal = self.fatal.subscribe();
        let reason = fatal.wait_for(Option::is_some).await.expect("the sender lives in self");
        reason.clone().unwrap_or_default()
    }

    async fn close(&self) {
        self.pool.close();
        self.health.close();
    }
}

/// A row of the images' joined reads. The integers are checked positive by the schema.
fn joined(row: &Row) -> media::Joined {
    let unsigned = |i: usize| u32::try_from(row.get::<_, i32>(i)).unwrap_or(0);
    (
        row.get(0),
        unsigned(1),
        unsigned(2),
        row.get::<_, chrono::DateTime<chrono::Utc>>(3).into(),
        row.get(4),
        unsigned(5),
        unsigned(6),
        u64::try_from(row.get::<_, i32>(7)).unwrap_or(0),
    )
}
