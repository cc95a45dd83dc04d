//! Start-up: open and migrate the database (retrying while it is unreachable) for the roles
//! that serve the API, build the site for the roles that serve it, assemble the application,
//! bind the port, and run until a shutdown signal.

use std::future::Future;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use folio_admin::AdminState;
use folio_api::{AdminAuth, ApiState, ServiceInfo};
use folio_core::{
    ActiveProjects, AdminToken, Budget, Contact, ContactLimits, ContactService, DatabaseHealth, MediaService,
    MigrationReport, ProjectService, RateLimiter, SessionLimits, Sessions, SiteContentService, SiteContentSource,
    Store, StoreError,
};
use folio_mail::Outbox;
use folio_metrics::{Metrics, Service};
use folio_site::api_client::ApiClient;
use folio_site::cache::ProjectCache;
use folio_site::metered::Metered;
use folio_site::{SiteConfig, SiteState};
use folio_store::DatabaseSettings;
use folio_store::postgres::{PgSettings, PgStore, SslMode};
use secrecy::SecretString;
use tokio::net::{TcpListener, TcpSocket};

use crate::config::public_url;
use crate::config::{Config, DataConfig, Listen, Role, Serving, SiteSettings};
use crate::server::{self, ServerLimits};
use crate::{VERSION, app};

/// A bound, migrated application, ready to serve.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    store: Option<Arc<dyn Store>>,
    outbox: Option<Outbox>,
    limits: ServerLimits,
}

/// The API's parts: its state and the admin's, the outbox worker that runs beside them, and
/// the store they use.
struct Api {
    state: ApiState,
    admin: AdminState,
    outbox: Option<Outbox>,
    store: Arc<dyn Store>,
}

impl Application {
    /// Takes `HOST:PORT`, builds what the role serves, then listens: until the process can
    /// answer, connections are refused rather than left hanging. (The port is taken first so a
    /// site without `PUBLIC_BASE_URL` can name the one it got with `PORT=0`.)
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let socket = reserve(config.listen)?;
        let port = socket.local_addr()?.port();
        let metrics = Arc::new(Metrics::new(services(config.serving.role()), VERSION, &config.environment));
        let (api, site) = match &config.serving {
            Serving::Both { data, site } => {
                let api = build_api(&config, data, port, &metrics).await?;
                let state = &api.state;
                let in_process = (state.site.clone() as _, state.projects.clone() as _, state.contact.clone() as _);
                let site = build_site(&config, site, in_process, port, &metrics);
                (Some(api), Some(site))
            }
            Serving::Api { data } => (Some(build_api(&config, data, port, &metrics).await?), None),
            Serving::Site { site, api } => {
                let client = Arc::new(ApiClient::new(api.url.clone(), api.timeout));
                let checking = client.clone();
                tokio::spawn(async move { checking.check_forwarding().await });
                let remote = (client.clone() as _, client.clone() as _, client as _);
                (None, Some(build_site(&config, site, remote, port, &metrics)))
            }
        };
        let store = api.as_ref().map(|a| a.store.clone());
        let outbox = api.as_ref().and_then(|a| a.outbox.clone());
        let router = app::router(api.map(|a| (a.state, a.admin)), site, &config, metrics);
        let listener = socket.listen(LISTEN_BACKLOG).context("cannot listen (HOST, PORT)")?;
        let limits =
            ServerLimits { idle_timeout: config.http.idle_timeout, shutdown_grace: config.http.shutdown_grace };
        Ok(Self { listener, router, store, outbox, limits })
    }

    /// The address the server listens on (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        server::local_addr(&self.listener)
    }

    /// Serves until `shutdown` completes (or the store meets an error only a restart with fresh
    /// configuration can fix), drains in-flight requests, stops the outbox, then closes the
    /// database.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> Stopped {
        tracing::info!(address = %self.local_addr(), version = VERSION, "listening");
        let (why_tx, mut why_rx) = tokio::sync::watch::channel(Stopped::Signal);
        let store = self.store.clone();
        let shutdown = async move {
            let fatal = async {
                match &store {
                    Some(store) => store.fatal().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = shutdown => {}
                reason = fatal => {
                    tracing::error!(%reason, "stopping: the database refused this process's credentials; \
                        a restart picks up fresh ones (ECS injects the rotated RDS secret at task start)");
                    why_tx.send_replace(Stopped::DatabaseRefused(reason));
                }
            }
        };
        let (stopping, stop) = tokio::sync::watch::channel(false);
        let outbox = self.outbox.map(|outbox| {
            let mut stop = stop.clone();
            tokio::spawn(outbox.run(async move {
                let _ = stop.wait_for(|stopping| *stopping).await;
            }))
        });
        let shutdown = async move {
            shutdown.await;
            let _ = stopping.send(true);
        };
        server::serve(self.listener, self.router, self.limits, shutdown).await;
        if let Some(outbox) = outbox {
            let _ = outbox.await;
        }
        if let Some(store) = self.store {
            store.close().await;
        }
        tracing::info!("stopped");
        why_rx.borrow_and_update().clone()
    }
}

/// Connections the kernel queues while every worker is busy (what `TcpListener::bind` uses).
const LISTEN_BACKLOG: u32 = 1024;

/// `HOST:PORT`, bound but not yet listening (connections are refused until [`TcpSocket::listen`]).
fn reserve(listen: Listen) -> anyhow::Result<TcpSocket> {
    let address = SocketAddr::new(listen.host, listen.port);
    let socket = if address.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() }?;
    // As `TcpListener::bind` does: a restarted process may take the port its predecessor held.
    socket.set_reuseaddr(true)?;
    socket.bind(address).with_context(|| format!("cannot listen on {address} (HOST, PORT)"))?;
    Ok(socket)
}

/// Why the server stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// SIGTERM, SIGINT, or the caller's shutdown future.
    Signal,
    /// The database refused the credentials; the reason it gave.
    DatabaseRefused(String),
}

async fn build_api(config: &Config, data: &DataConfig, port: u16, metrics: &Arc<Metrics>) -> anyhow::Result<Api> {
    warn_about_weak_tls(data, config.is_development());
    let store = folio_store::connect(&data.database, metrics.db.clone()).await?;
    migrate(store.as_ref(), data.startup_timeout).await?;
    let site = Arc::new(SiteContentService::new(store.clone()));
    seed_content(&site, data).await?;
    let token = data.admin_token.clone().or_else(|| config.is_development().then(generated_token).flatten());
    if token.is_none() {
        tracing::warn!("ADMIN_TOKEN is not set: every write will be refused (403)");
    }
    let outbox = match &data.contact.mail {
        Some(mail) => Some(Outbox::new(store.clone(), mail.clone(), metrics.outbox.clone())?),
        None => {
            tracing::warn!("SMTP_URL is not set: contact messages are stored, but nobody is notified");
            None
        }
    };
    let hour = Duration::from_secs(3600);
    let limits = ContactLimits {
        per_client: RateLimiter::new(data.contact.rate_per_hour, hour, data.networks),
        global: Budget::new(data.contact.global_per_hour, hour),
        max_unread: data.contact.max_unread,
    };
    let use_cases = (
        Arc::new(ProjectService::new(store.clone())),
        site,
        Arc::new(ContactService::new(store.clone(), limits, outbox.as_ref().map(Outbox::waker))),
        Arc::new(DatabaseHealth::new(store.clone())),
        Arc::new(MediaService::new(store.clone())),
    );
    let info = ServiceInfo {
        version: VERSION,
        environment: config.environment.clone(),
        started: Instant::now(),
        expose_errors: config.is_development(),
    };
    let admin_limiter = RateLimiter::new(data.admin_rate_per_minute, Duration::from_secs(60), data.networks);
    let token = Arc::new(AdminToken::new(token.as_ref()));
    let state = ApiState::new(use_cases, AdminAuth::new(token.clone()), info, admin_limiter);
    let signin_limiter = RateLimiter::new(data.signin_per_hour, Duration::from_secs(3600), data.networks);
    let sessions = Sessions::new(store.clone(), token, SessionLimits::DEFAULT, signin_limiter);
    let public_origin = config.http.public_base_url.clone().unwrap_or_else(|| public_url::local_default(port));
    let use_cases = (state.projects.clone(), state.site.clone(), state.contact.clone(), state.media.clone());
    let admin = AdminState::new(Arc::new(sessions), use_cases, &public_origin);
    Ok(Api { state, admin, outbox, store })
}

/// Seeds an empty database with the owner's content (from `CONTENT_DIR`, or the demo; the
/// owner's own also replaces a demo stored earlier), and refuses to go on when what the site
/// would show is the demo owner's without leave. A refused seed is not stored.
async fn seed_content(site: &SiteContentService, data: &DataConfig) -> anyhow::Result<()> {
    let seed = &data.content;
    let patience = data.startup_timeout;
    let stored = retry_while_unreachable(patience, || site.get()).await?;
    if stored.is_none()
        && let Some(why) = seed.refusal(&seed.content, true)
    {
        bail!("{why}");
    }
    let (shown, seeded) =
        retry_while_unreachable(patience, || site.seed(&seed.content, folio_site::content::is_demo)).await?;
    match (seeded, &seed.dir) {
        (true, Some(dir)) => tracing::info!(dir = %dir.display(), "site content stored from CONTENT_DIR"),
        (true, None) => tracing::info!("site content: the built-in demo stored (edit it at /admin/site)"),
        (false, Some(dir)) => tracing::info!(
            dir = %dir.display(),
            "site content: the database's (CONTENT_DIR seeds an empty database only; edit it at /admin/site)"
        ),
        (false, None) => tracing::info!("site content: the database's"),
    }
    match seed.refusal(&shown, seeded) {
        Some(why) => bail!("{why}"),
        None => Ok(()),
    }
}

/// The site over the use cases it calls: the services themselves (`serve`) or the API client
/// (`site`), each call measured.
fn build_site(
    config: &Config,
    settings: &SiteSettings,
    (content, projects, contact): (Arc<dyn SiteContentSource>, Arc<dyn ActiveProjects>, Arc<dyn Contact>),
    port: u16,
    metrics: &Arc<Metrics>,
) -> SiteState {
    let content = Arc::new(Metered::new(content, metrics.site.clone()));
    let projects = Arc::new(Metered::new(projects, metrics.site.clone()));
    let contact = Arc::new(Metered::new(contact, metrics.site.clone()));
    let cache = Arc::new(ProjectCache::new(projects, settings.cache_ttl, metrics.site.clone()));
    let site = SiteConfig {
        base_url: settings.public_base_url.clone().unwrap_or_else(|| public_url::local_default(port)),
        content_ttl: settings.cache_ttl,
        fallback_content: settings.fallback.clone(),
        version: VERSION,
        environment: config.environment.clone(),
    };
    SiteState::new(site, (content, cache, contact), metrics.clone())
}

/// The `migrate` command: with an application role configured, creates it (or sets its
/// password again) as the configured user, then applies the migrations as that role, so the
/// tables it creates are the role's own; without one, applies them as the configured user.
pub async fn migrate_only(data: &DataConfig, environment: &str) -> anyhow::Result<MigrationReport> {
    let metrics = Metrics::new(&[Service::Api], VERSION, environment);
    let database = match (&data.app_role, &data.database) {
        (Some(role), DatabaseSettings::Postgres(master)) => {
            let store = PgStore::connect(master, metrics.db.clone()).await?;
            let outcome = retry_while_unreachable(data.startup_timeout, || store.provision_app_role(role)).await;
            store.close().await;
            tracing::info!(role = role.name, outcome = outcome?.as_str(), "application role provisioned");
            DatabaseSettings::Postgres(PgSettings {
                user: role.name.clone(),
                password: Some(role.password.clone()),
                ..master.clone()
            })
        }
        // Configuration refuses an application role without PostgreSQL.
        (_, database) => database.clone(),
    };
    let store = folio_store::connect(&database, metrics.db.clone()).await?;
    let report = migrate(store.as_ref(), data.startup_timeout).await;
    store.close().await;
    report
}

fn services(role: Role) -> &'static [Service] {
    match role {
        Role::Serve => &[Service::Api, Service::Site],
        Role::Api => &[Service::Api],
        Role::Site => &[Service::Site],
    }
}

/// Runs the migrations, retrying while the database is unreachable (see
/// [`retry_while_unreachable`]).
async fn migrate(store: &dyn Store, patience: Duration) -> anyhow::Result<MigrationReport> {
    let report = retry_while_unreachable(patience, || store.migrate()).await?;
    // One event per version, so each is a JSON number in the log rather than a list printed
    // as text.
    let database = store.kind().as_str();
    for version in &report.applied {
        tracing::info!(database, version, "migration applied");
    }
    if report.applied.is_empty() {
        tracing::info!(database, "database schema is current");
    } else {
        tracing::info!(database, count = report.applied.len(), "applied migrations");
    }
    for version in &report.unknown {
        tracing::warn!(
            database,
            version,
            "the database has a migration this release does not know (a newer release ran)"
        );
    }
    Ok(report)
}

/// Runs `attempt` until it succeeds, retrying for up to `patience` while the database is
/// unreachable (it may still be starting). Permanent failures (a refused certificate, an
/// edited migration) stop at once.
async fn retry_while_unreachable<T, F, Fut>(patience: Duration, mut attempt: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let started = Instant::now();
    let mut pause = Duration::from_millis(250);
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(error) if error.is_transient() && started.elapsed() < patience => {
                tracing::warn!(error = %error.chain(), retry_in_ms = pause.as_millis() as u64, "database not reachable yet");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            Err(error) => bail!("{}", error.chain()),
        }
    }
}

fn warn_about_weak_tls(data: &DataConfig, development: bool) {
    if let DatabaseSettings::Postgres(pg) = &data.database {
        let verified = matches!(pg.ssl_mode, SslMode::VerifyCa | SslMode::VerifyFull)
            || (pg.ssl_mode == SslMode::Require && pg.ssl_root_cert.is_some());
        if !verified && !development {
            tracing::warn!(
                sslmode = pg.ssl_mode.as_str(),
                "the database server's certificate is not verified; set DB_SSLMODE=verify-full and DB_SSLROOTCERT"
            );
        }
    }
}

/// In development without `ADMIN_TOKEN`, a random token printed once to the terminal, so writes
/// can be tried at once. Only to a terminal: when stderr is redirected it goes to a file or a
/// log collector, where a token does not belong, so there is none.
fn generated_token() -> Option<SecretString> {
    if !std::io::stderr().is_terminal() {
        tracing::info!("no development admin token: stderr is not a terminal (set ADMIN_TOKEN to enable writes)");
        return None;
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    eprintln!(
        "ADMIN_TOKEN is not set; for this run (development only) writes accept:\n  Authorization: Bearer {token}"
    );
    Some(SecretString::from(token))
}
