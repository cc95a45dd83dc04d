//! Where the data lives: `DATABASE_URL`, or the `DB_*` variables ECS injects from the
//! RDS-managed secret, or (with neither) an SQLite file under `./data/`.

use std::path::PathBuf;
use std::time::Duration;

use folio_store::DatabaseSettings;
use folio_store::postgres::{AppRole, PgSettings, PgUrl, PoolSettings, RootCerts, SslMode};
use folio_store::sqlite::SqliteSettings;
use secrecy::SecretString;

use super::env::Env;
use super::vars;

/// How long opening one PostgreSQL connection (TCP, TLS, authentication) may take. Not a
/// variable: the acquire timeout bounds what a request waits, this only a connection's birth.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The SQLite file used when no database is configured.
pub const DEFAULT_SQLITE_PATH: &str = "data/folio.db";

/// Loads the database settings; `development` decides the default `sslmode`.
pub fn load(env: &mut Env, development: bool) -> Option<DatabaseSettings> {
    // Read whichever database is used, so that a typo stops the start even while it does not
    // apply (`DB_SSLMODE=verify-ful` on SQLite would otherwise wait for the move to PostgreSQL).
    let options = PgOptions::load(env);
    let url = env.get(vars::DATABASE_URL).map(str::to_owned);
    if url.is_some() && env.is_set(vars::DB_HOST) {
        env.error(vars::DATABASE_URL, "set either DATABASE_URL or the DB_* variables, not both");
        return None;
    }
    match url {
        Some(url) if url.starts_with("sqlite:") => sqlite(env, &url),
        Some(url) => {
            let parsed = PgUrl::parse(&url).map_err(|e| env.error(vars::DATABASE_URL, e)).ok()?;
            postgres(env, parsed, development, options)
        }
        None if env.is_set(vars::DB_HOST) => {
            let parsed = from_db_variables(env, options.port)?;
            postgres(env, parsed, development, options)
        }
        None => Some(DatabaseSettings::Sqlite(SqliteSettings::at(DEFAULT_SQLITE_PATH))),
    }
}

/// The `DB_*` settings that only PostgreSQL uses.
struct PgOptions {
    port: u16,
    ssl_mode: Option<SslMode>,
    ssl_root_cert: Option<RootCerts>,
    pool: PoolSettings,
}

impl PgOptions {
    fn load(env: &mut Env) -> Self {
        let port = env.whole(vars::DB_PORT, "a port number (1-65535)");
        let ssl_mode = env
            .get(vars::DB_SSLMODE)
            .map(str::to_owned)
            .and_then(|text| text.parse::<SslMode>().map_err(|e| env.error(vars::DB_SSLMODE, e)).ok());
        let ssl_root_cert = env
            .get(vars::DB_SSLROOTCERT)
            .map(str::to_owned)
            .and_then(|text| text.parse::<RootCerts>().map_err(|e| env.error(vars::DB_SSLROOTCERT, e)).ok());
        let pool = PoolSettings {
            max_size: env.whole(vars::DB_POOL_MAX, "a whole number of connections"),
            acquire_timeout: env.seconds(vars::DB_ACQUIRE_TIMEOUT_SECONDS),
            connect_timeout: CONNECT_TIMEOUT,
            statement_timeout: env.seconds(vars::DB_STATEMENT_TIMEOUT_SECONDS),
        };
        if pool.max_size == 0 {
            env.error(vars::DB_POOL_MAX, "must be at least 1");
        }
        Self { port, ssl_mode, ssl_root_cert, pool }
    }
}

fn sqlite(env: &mut Env, url: &str) -> Option<DatabaseSettings> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    if path.is_empty() || path.starts_with(':') {
        env.error(
            vars::DATABASE_URL,
            "an SQLite URL needs a file path, e.g. sqlite://data/folio.db (in-memory databases are not supported)",
        );
        return None;
    }
    Some(DatabaseSettings::Sqlite(SqliteSettings::at(PathBuf::from(path))))
}

fn from_db_variables(env: &mut Env, port: u16) -> Option<PgUrl> {
    let host = env.get(vars::DB_HOST)?.to_owned();
    let dbname = env.get(vars::DB_NAME).map(str::to_owned);
    let user = env.get(vars::DB_USERNAME).map(str::to_owned);
    if dbname.is_none() {
        env.error(vars::DB_NAME, "is required when DB_HOST is set");
    }
    if user.is_none() {
        env.error(vars::DB_USERNAME, "is required when DB_HOST is set");
    }
    Some(PgUrl {
        host,
        port,
        dbname: dbname?,
        user: user?,
        password: env.get(vars::DB_PASSWORD).map(|p| SecretString::from(p.to_owned())),
        ssl_mode: None,
        ssl_root_cert: None,
    })
}

fn postgres(env: &mut Env, url: PgUrl, development: bool, options: PgOptions) -> Option<DatabaseSettings> {
    // A value that did not parse was reported already; what would follow from it would mislead.
    if (env.is_set(vars::DB_SSLMODE) && options.ssl_mode.is_none())
        || (env.is_set(vars::DB_SSLROOTCERT) && options.ssl_root_cert.is_none())
    {
        return None;
    }
    let ssl_mode =
        options.ssl_mode.or(url.ssl_mode).unwrap_or(if development { SslMode::Prefer } else { SslMode::VerifyFull });
    let ssl_root_cert = options.ssl_root_cert.or_else(|| url.ssl_root_cert.clone());
    match (&ssl_root_cert, ssl_mode) {
        (Some(RootCerts::File(path)), _) if !path.is_file() => {
            env.error(vars::DB_SSLROOTCERT, format!("{} does not exist or is not a file", path.display()));
        }
        (None, SslMode::VerifyCa | SslMode::VerifyFull) => env.error(
            vars::DB_SSLROOTCERT,
            format!(
                "sslmode {} needs the CA bundle that signed the server certificate (for RDS, the AWS RDS \
                 CA bundle), or \"system\" for a publicly trusted certificate",
                ssl_mode.as_str()
            ),
        ),
        _ => {}
    }
    Some(DatabaseSettings::Postgres(PgSettings {
        host: url.host,
        port: url.port,
        dbname: url.dbname,
        user: url.user,
        password: url.password,
        ssl_mode,
        ssl_root_cert,
        pool: options.pool,
    }))
}

/// `DB_APP_USERNAME` and `DB_APP_PASSWORD`: the role `folio migrate` creates for the API (both
/// or neither). The name is a plain lower-case identifier, so it never needs quoting in logs.
pub fn app_role(env: &mut Env) -> Option<AppRole> {
    let name = env.get(vars::DB_APP_USERNAME).map(str::to_owned);
    let password = env.get(vars::DB_APP_PASSWORD).map(|p| SecretString::from(p.to_owned()));
    match (name, password) {
        (None, None) => None,
        (Some(name), Some(password)) => {
            let plain = name.len() <= 63
                && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !plain {
                env.error(
                    vars::DB_APP_USERNAME,
                    format!("{name:?} is not a role name (a-z, 0-9 and _, at most 63, not starting with a digit)"),
                );
            }
            Some(AppRole { name, password })
        }
        (Some(_), None) => {
            env.error(vars::DB_APP_PASSWORD, "is required with DB_APP_USERNAME");
            None
        }
        (None, Some(_)) => {
            env.error(vars::DB_APP_USERNAME, "is required with DB_APP_PASSWORD");
            None
        }
    }
}

/// How long start-up keeps retrying an unreachable database before giving up.
pub fn startup_timeout(env: &mut Env) -> Duration {
    env.seconds(vars::DB_STARTUP_TIMEOUT_SECONDS)
}
