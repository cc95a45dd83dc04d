//! Folio's configuration: typed, loaded once from the environment at start, every problem
//! reported at once with the variable's name. Secrets are `SecretString`s and never printed.

mod contact;
pub mod database;
mod env;
pub mod public_url;
mod site;
pub mod vars;

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::time::Duration;

use folio_core::Networks;
use folio_store::DatabaseSettings;
use folio_store::postgres::AppRole;

use crate::origin::OriginSecrets;
use crate::proxy::TrustedProxies;
use secrecy::{ExposeSecret, SecretString};

pub use contact::ContactConfig;
pub use env::{ConfigError, ConfigErrors, Env};
pub use site::{ApiClient, ContentSeed, SiteSettings};
pub use vars::Var;

/// The part of Folio a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// Site and API on one port.
    Serve,
    /// The API alone.
    Api,
    /// The site alone, reading from the API at `API_URL`. `web`, its name before the API and
    /// the site had one name each, is still accepted: task definitions written then (and
    /// `FOLIO_ROLE=web`) keep working while an image that knows `site` rolls out.
    #[value(alias = "web")]
    Site,
}

impl Role {
    /// The port a role listens on when `PORT` is not set.
    pub fn default_port(self) -> u16 {
        match self {
            Role::Serve | Role::Site => 3000,
            Role::Api => 3001,
        }
    }

    /// The path this role answers health checks on (the one the load balancer probes).
    pub fn health_path(self) -> &'static str {
        match self {
            Role::Serve | Role::Api => "/api/health",
            Role::Site => "/health",
        }
    }
}

/// The environment name that is the default and the only one revealing internal errors.
pub const DEVELOPMENT: &str = "development";

/// Every `APP_ENV` accepted: a typo must not quietly mean production (or development). The
/// deployments' names (`dev`, `prod`, `personal`, as Terraform sets them), the tests' `test` and
/// `scripts/bench`'s `bench` among them.
pub const ENVIRONMENTS: [&str; 8] = [DEVELOPMENT, "test", "bench", "dev", "staging", "prod", "production", "personal"];

/// Where to listen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listen {
    pub host: IpAddr,
    pub port: u16,
}

impl Listen {
    /// `HOST` and `PORT`: loopback in development, every interface elsewhere (containers).
    pub fn load(env: &mut Env, role: Role) -> Self {
        let development = env.get(vars::APP_ENV).is_none_or(|e| e == DEVELOPMENT);
        let default_host =
            if development { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { IpAddr::V4(Ipv4Addr::UNSPECIFIED) };
        let host = env.parse(vars::HOST, "an IP address (e.g. 0.0.0.0 or 127.0.0.1)").unwrap_or(default_host);
        let port = env.parse(vars::PORT, "a port number (0-65535)").unwrap_or(role.default_port());
        Self { host, port }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// Which browser origins may call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    Any,
    Origins(Vec<String>),
}

/// Everything a serving process needs.
#[derive(Debug)]
pub struct Config {
    pub listen: Listen,
    pub environment: String,
    pub log_format: LogFormat,
    pub http: HttpConfig,
    /// What the process serves, with what each part needs.
    pub serving: Serving,
}

/// What a process serves: only the combinations that exist, each with what its parts need.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // One value, built once at start: boxing would buy nothing.
pub enum Serving {
    /// `folio serve`: the API and the site, which calls the use cases in-process.
    Both { data: DataConfig, site: SiteSettings },
    /// `folio api`: the API alone.
    Api { data: DataConfig },
    /// `folio site`: the site alone, calling the use cases through the API at `api`.
    Site { site: SiteSettings, api: ApiClient },
}

impl Serving {
    /// The role this is.
    pub fn role(&self) -> Role {
        match self {
            Serving::Both { .. } => Role::Serve,
            Serving::Api { .. } => Role::Api,
            Serving::Site { .. } => Role::Site,
        }
    }

    /// The database settings, for the roles serving the API.
    pub fn data(&self) -> Option<&DataConfig> {
        match self {
            Serving::Both { data, .. } | Serving::Api { data } => Some(data),
            Serving::Site { .. } => None,
        }
    }

    /// The site's settings, for the roles serving it.
    pub fn site(&self) -> Option<&SiteSettings> {
        match self {
            Serving::Both { site, .. } | Serving::Site { site, .. } => Some(site),
            Serving::Api { .. } => None,
        }
    }
}

/// What `folio migrate` needs.
#[derive(Debug)]
pub struct MigrationConfig {
    pub environment: String,
    pub log_format: LogFormat,
    pub data: DataConfig,
}

/// How the HTTP server behaves.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub cors: Cors,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// The longest any request may take before it is answered with 503.
    pub request_timeout: Duration,
    /// How long an idle keep-alive connection, or a client still sending headers, is kept.
    pub idle_timeout: Duration,
    /// The proxies whose forwarding headers are believed.
    pub proxies: TrustedProxies,
    /// The values of CloudFront's secret header the origin accepts (`ORIGIN_SECRETS`).
    pub origin_secrets: OriginSecrets,
    /// The site's public origin (`PUBLIC_BASE_URL`): the site's links, and the origin the
    /// admin accepts forms from (`None`: `http://localhost:<port>` once the port is known).
    pub public_base_url: Option<String>,
}

/// The database, the admin token and the contact form: what the API needs.
#[derive(Debug)]
pub struct DataConfig {
    pub database: DatabaseSettings,
    pub admin_token: Option<SecretString>,
    /// Requests needing the admin token accepted per client per minute (counted before the
    /// token is checked).
    pub admin_rate_per_minute: NonZeroU32,
    /// Admin sign-in attempts accepted per client per hour.
    pub signin_per_hour: NonZeroU32,
    /// How rate limits tell clients apart (IPv6 addresses by network).
    pub networks: Networks,
    pub contact: ContactConfig,
    /// How long start-up retries an unreachable database.
    pub startup_timeout: Duration,
    /// The role `folio migrate` creates for the API to log in as (PostgreSQL only).
    pub app_role: Option<AppRole>,
    /// The owner's content for an empty database.
    pub content: ContentSeed,
}

/// The shortest admin token accepted.
pub const ADMIN_TOKEN_MIN_CHARS: usize = 32;

/// What every role reads: where to listen, the environment, logs and HTTP behaviour.
struct Common {
    listen: Listen,
    environment: String,
    development: bool,
    log_format: LogFormat,
    http: HttpConfig,
}

impl Common {
    fn load(env: &mut Env, role: Role) -> Self {
        let environment = environment(env);
        let development = environment == DEVELOPMENT;
        let listen = Listen::load(env, role);
        let log_format = log_format(env);
        let http = HttpConfig {
            cors: cors(env, development),
            shutdown_grace: env.seconds(vars::SHUTDOWN_GRACE_SECONDS),
            request_timeout: env.seconds(vars::REQUEST_TIMEOUT_SECONDS),
            idle_timeout: env.seconds(vars::HTTP_IDLE_TIMEOUT_SECONDS),
            proxies: trusted_proxies(env),
            origin_secrets: OriginSecrets::load(env),
            public_base_url: public_url::load(env, listen.port),
        };
        Self { listen, environment, development, log_format, http }
    }
}

impl Config {
    /// Loads and checks everything `role` needs.
    pub fn load(role: Role, mut env: Env) -> Result<Self, ConfigErrors> {
        let env = &mut env;
        let common = Common::load(env, role);
        let (listen, development) = (common.listen, common.development);
        let serving = match role {
            Role::Serve => {
                let data = DataConfig::load(env, development);
                let site = site::load(env, common.http.public_base_url.clone(), None);
                data.map(|data| Serving::Both { data, site })
            }
            Role::Api => DataConfig::load(env, development).map(|data| Serving::Api { data }),
            Role::Site => {
                let fallback = site::seed(env, development);
                let site = site::load(env, common.http.public_base_url.clone(), fallback);
                site::api_client(env).map(|api| Serving::Site { site, api })
            }
        };
        let serving = std::mem::take(env).finish_with(serving)?;
        let Common { environment, log_format, http, .. } = common;
        Ok(Self { listen, environment, log_format, http, serving })
    }

    /// True in the development environment (the default).
    pub fn is_development(&self) -> bool {
        self.environment == DEVELOPMENT
    }
}

impl MigrationConfig {
    /// Loads and checks what `folio migrate` needs, and every setting of the API's role (the
    /// migration task runs with the API's environment: a mistake there stops it too).
    pub fn load(mut env: Env) -> Result<Self, ConfigErrors> {
        let env = &mut env;
        let common = Common::load(env, Role::Api);
        let data = DataConfig::load(env, common.development);
        let data = std::mem::take(env).finish_with(data)?;
        Ok(Self { environment: common.environment, log_format: common.log_format, data })
    }
}

impl DataConfig {
    /// Everything the API needs; `None` only when an error was recorded.
    fn load(env: &mut Env, development: bool) -> Option<Self> {
        let database = database::load(env, development);
        let admin_token = admin_token(env);
        let admin_rate_per_minute = env.whole(vars::ADMIN_RATE_LIMIT_PER_MINUTE, "a whole number from 1");
        let signin_per_hour = env.whole(vars::ADMIN_SIGNIN_PER_HOUR, "a whole number from 1");
        let networks = networks(env);
        let contact = contact::load(env);
        let startup_timeout = database::startup_timeout(env);
        let app_role = database::app_role(env);
        if app_role.is_some() && !matches!(database, Some(DatabaseSettings::Postgres(_))) {
            env.error(vars::DB_APP_USERNAME, "applies to PostgreSQL only (DB_HOST or a postgres:// DATABASE_URL)");
        }
        let content = site::seed(env, development);
        Some(Self {
            database: database?,
            content: content?,
            admin_token,
            admin_rate_per_minute,
            signin_per_hour,
            networks,
            contact,
            startup_timeout,
            app_role,
        })
    }
}

/// `APP_ENV`, one of [`ENVIRONMENTS`].
fn environment(env: &mut Env) -> String {
    let Some(name) = env.get(vars::APP_ENV).map(str::to_owned) else {
        return DEVELOPMENT.to_owned();
    };
    if !ENVIRONMENTS.contains(&name.as_str()) {
        let message = format!(
            "{name:?} is not an environment: use one of {} (only {DEVELOPMENT} reveals internal details)",
            ENVIRONMENTS.join(", ")
        );
        env.error(vars::APP_ENV, message);
    }
    name
}

fn log_format(env: &mut Env) -> LogFormat {
    match env.get(vars::LOG_FORMAT) {
        None if std::io::stdout().is_terminal() => LogFormat::Pretty,
        None | Some("json") => LogFormat::Json,
        Some("pretty") => LogFormat::Pretty,
        Some(other) => {
            let message = format!("{other:?} is not a log format (json or pretty)");
            env.error(vars::LOG_FORMAT, message);
            LogFormat::Json
        }
    }
}

fn trusted_proxies(env: &mut Env) -> TrustedProxies {
    let mut networks = Vec::new();
    let list = env.get(vars::TRUSTED_PROXIES).unwrap_or("").to_owned();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match item.parse::<ipnet::IpNet>().or_else(|_| item.parse::<IpAddr>().map(ipnet::IpNet::from)) {
            Ok(net) => networks.push(net),
            Err(_) => env.error(vars::TRUSTED_PROXIES, format!("{item:?} is not an IP address or CIDR block")),
        }
    }
    let default_hops = usize::from(!networks.is_empty());
    let hops = env.parse(vars::TRUSTED_PROXY_HOPS, "a whole number of proxies").unwrap_or(default_hops);
    if hops > 0 && networks.is_empty() {
        env.error(vars::TRUSTED_PROXY_HOPS, "needs TRUSTED_PROXIES: the addresses of the proxies to believe");
    }
    TrustedProxies { networks, hops }
}

fn networks(env: &mut Env) -> Networks {
    let range = Networks::IPV6_PREFIXES;
    let expected = format!("a prefix length from {} to {}", range.start(), range.end());
    let prefix: u8 = env.whole(vars::RATE_LIMIT_IPV6_PREFIX, &expected);
    if range.contains(&prefix) {
        Networks::new(prefix)
    } else {
        env.error(vars::RATE_LIMIT_IPV6_PREFIX, format!("{prefix} is not {expected}"));
        Networks::default()
    }
}

fn admin_token(env: &mut Env) -> Option<SecretString> {
    let token = SecretString::from(env.get(vars::ADMIN_TOKEN)?.to_owned());
    let chars = token.expose_secret().chars().count();
    if chars < ADMIN_TOKEN_MIN_CHARS {
        env.error(
            vars::ADMIN_TOKEN,
            format!(
                "is {chars} characters long; use at least {ADMIN_TOKEN_MIN_CHARS} random characters \
                 (e.g. the output of `openssl rand -hex 32`)"
            ),
        );
    } else if token.expose_secret().chars().any(char::is_whitespace) {
        env.error(vars::ADMIN_TOKEN, "must not contain white space");
    }
    Some(token)
}

fn cors(env: &mut Env, development: bool) -> Cors {
    let Some(list) = env.get(vars::CORS_ORIGINS).map(str::to_owned) else {
        return if development { Cors::Any } else { Cors::Origins(Vec::new()) };
    };
    if list.trim() == "*" {
        return Cors::Any;
    }
    let mut origins = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match url::Url::parse(item) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.path() == "/" && u.query().is_none() => {
                origins.push(u.origin().ascii_serialization());
            }
            _ => env.error(vars::CORS_ORIGINS, format!("{item:?} is not an origin like https://example.com")),
        }
    }
    Cors::Origins(origins)
}

#[cfg(test)]
mod tests;
