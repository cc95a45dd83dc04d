//! Every environment variable Folio reads, declared once: its name, its default, what it
//! means and how it is read. The README's configuration table is rendered from this list and a
//! test compares the two, so they cannot drift; the code reads each variable through its
//! declaration ([`super::env::Env`] takes a [`Var`], never a string).

use std::time::Duration;

/// How a variable is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A number of seconds (fractions allowed) from `min` to `max`; `default` when unset.
    Seconds { default: f64, min: f64, max: f64 },
    /// A whole number; `default` when unset (its range is checked where it is read).
    Whole { default: u32 },
    /// Text, a list, an address or a secret, read by the code of its own setting; `default`
    /// in the declaration says what unset means.
    Other,
}

/// One environment variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Var {
    pub name: &'static str,
    pub kind: Kind,
    /// What unset means, for [`Kind::Other`] (numbers say it themselves).
    default: &'static str,
    pub meaning: &'static str,
}

impl Var {
    /// The default of a [`Kind::Seconds`] variable.
    pub fn default_duration(&self) -> Duration {
        match self.kind {
            Kind::Seconds { default, .. } => Duration::from_secs_f64(default),
            _ => panic!("{} is not a number of seconds", self.name),
        }
    }

    /// The default of a [`Kind::Whole`] variable.
    pub fn default_whole(&self) -> u32 {
        match self.kind {
            Kind::Whole { default } => default,
            _ => panic!("{} is not a whole number", self.name),
        }
    }

    /// The README's default column.
    pub fn default_text(&self) -> String {
        match self.kind {
            Kind::Seconds { default, .. } => default.to_string(),
            Kind::Whole { default } => default.to_string(),
            Kind::Other => self.default.to_owned(),
        }
    }
}

/// Declares each variable as a constant named like it, and [`ALL`] in the README's order.
macro_rules! variables {
    ($($name:ident: $kind:expr, $default:literal, $meaning:literal;)*) => {
        $(
            #[doc = $meaning]
            pub const $name: Var = Var { name: stringify!($name), kind: $kind, default: $default, meaning: $meaning };
        )*
        /// Every variable, in the order the README lists them.
        pub const ALL: &[Var] = &[$($name),*];
    };
}

variables! {
    APP_ENV: Kind::Other,
        "`development`",
        "one of `development`, `test`, `bench`, `dev`, `staging`, `prod`, `production`, `personal` (anything else stops the start); reported as `environment`; only `development` reveals internal error details, generates a dev admin token, allows any CORS origin and defaults to `sslmode=prefer`";
    HOST: Kind::Other,
        "`127.0.0.1` in development, else `0.0.0.0`",
        "listen address";
    PORT: Kind::Other,
        "3000 (`serve`), 3001 (`api`)",
        "listen port (0 picks a free one)";
    LOG_FORMAT: Kind::Other,
        "`json`, or `pretty` on a terminal",
        "log line format";
    RUST_LOG: Kind::Other,
        "`warn,folio=info,…`",
        "log filter; health polls are logged at DEBUG";
    DATABASE_URL: Kind::Other,
        "",
        "`postgres://user:pass@host:port/db?sslmode=…&sslrootcert=…` or `sqlite://path/to/file.db`; with neither it nor `DB_HOST`, SQLite at `./data/folio.db`, created on first start";
    DB_HOST: Kind::Other,
        "",
        "PostgreSQL's host, as ECS injects it from the RDS-managed secret (instead of `DATABASE_URL`)";
    DB_PORT: Kind::Whole { default: 5432 },
        "",
        "its port";
    DB_NAME: Kind::Other,
        "",
        "its database (required with `DB_HOST`)";
    DB_USERNAME: Kind::Other,
        "",
        "the user to log in as (required with `DB_HOST`)";
    DB_PASSWORD: Kind::Other,
        "",
        "that user's password, as it is (nothing to percent-encode)";
    DB_SSLMODE: Kind::Other,
        "`verify-full` (`prefer` in development)",
        "`disable`, `prefer`, `require`, `verify-ca`, `verify-full`, with libpq's meanings";
    DB_SSLROOTCERT: Kind::Other,
        "",
        "PEM file of the CA(s) to trust (the AWS RDS bundle in the image), or `system` for the public web PKI; required by `verify-ca`/`verify-full`. Only these CAs are trusted";
    DB_POOL_MAX: Kind::Whole { default: 10 },
        "",
        "most PostgreSQL connections for requests (one more is reserved for health checks)";
    DB_ACQUIRE_TIMEOUT_SECONDS: Kind::Seconds { default: 2.0, min: 0.05, max: 60.0 },
        "",
        "how long a request waits for a connection before answering 503";
    DB_STATEMENT_TIMEOUT_SECONDS: Kind::Seconds { default: 5.0, min: 0.1, max: 600.0 },
        "",
        "server-side time limit on each query";
    DB_STARTUP_TIMEOUT_SECONDS: Kind::Seconds { default: 60.0, min: 0.0, max: 3600.0 },
        "",
        "how long start-up retries an unreachable database";
    ADMIN_TOKEN: Kind::Other,
        "",
        "bearer token for writes, at least 32 characters (`openssl rand -hex 32`); without it writes are refused";
    ADMIN_RATE_LIMIT_PER_MINUTE: Kind::Whole { default: 60 },
        "",
        "requests needing the admin token accepted per client per minute, counted before the token is checked (then 429 with `Retry-After`)";
    ADMIN_SIGNIN_PER_HOUR: Kind::Whole { default: 10 },
        "",
        "sign-in attempts at `/admin/login` accepted per client per hour, right or wrong (then 429 with `Retry-After`)";
    RATE_LIMIT_IPV6_PREFIX: Kind::Whole { default: 64 },
        "",
        "for every per-client limit, IPv6 clients count by network: addresses sharing their first this many bits (32–128) are one client; an IPv4 address is one client, and `::ffff:192.0.2.50` is `192.0.2.50`";
    CORS_ORIGINS: Kind::Other,
        "any in development, none elsewhere",
        "comma-separated origins allowed to call the API from a browser, or `*`";
    SHUTDOWN_GRACE_SECONDS: Kind::Seconds { default: 20.0, min: 0.0, max: 3600.0 },
        "",
        "after SIGTERM, how long in-flight requests may take to finish";
    REQUEST_TIMEOUT_SECONDS: Kind::Seconds { default: 15.0, min: 0.1, max: 3600.0 },
        "",
        "longest any request may take (then 503)";
    HTTP_IDLE_TIMEOUT_SECONDS: Kind::Seconds { default: 10.0, min: 0.5, max: 3600.0 },
        "",
        "how long a client may take to send its headers, and how long an idle keep-alive connection is kept; behind a load balancer set it above the balancer's idle timeout (75 behind the ALB's 60)";
    TRUSTED_PROXIES: Kind::Other,
        "none",
        "comma-separated addresses or CIDR blocks of the proxies in front (the ALB's subnets, nginx, and for the API the `folio site` tasks); only their `X-Forwarded-For` and `X-Forwarded-Proto` are believed. An `X-Forwarded-For` from anyone else is logged once and answered with `X-Forwarded-For-Ignored: true`; `folio site` checks at start that the API believes the visitors' addresses it forwards, and warns if not (every visitor would share one contact limit)";
    TRUSTED_PROXY_HOPS: Kind::Other,
        "1 when `TRUSTED_PROXIES` is set",
        "how many proxies append to `X-Forwarded-For` (CloudFront + ALB: 2); the client address is that many entries from the right, so forged entries on the left are ignored";
    ORIGIN_SECRETS: Kind::Other,
        "",
        "comma-separated values (one, or two while rotating; each at least 32 characters) of CloudFront's `X-Origin-Verify` header: requests without one of them get 403, except `/api/health`, `/health` and `/api/metrics`. For an origin that cannot check the header itself (API Gateway's HTTP API, the personal profile)";
    CONTENT_DIR: Kind::Other,
        "built-in demo",
        "directory with the owner's `site.toml` and `about.md`, read by the roles that hold the database: they fill an empty database (or one holding the demo), after which the admin edits the content; `site` shows them while the API has not answered. An empty directory counts as unset";
    ALLOW_DEMO_CONTENT: Kind::Other,
        "`false`",
        "outside development, let the site show the built-in demo owner (otherwise the API refuses to start when the database would hold it)";
    DB_APP_USERNAME: Kind::Other,
        "",
        "read by `folio migrate` only: the role it creates for the API (a-z, 0-9, `_`)";
    DB_APP_PASSWORD: Kind::Other,
        "",
        "read by `folio migrate` only: that role's password, sent as a SCRAM verifier";
    PUBLIC_BASE_URL: Kind::Other,
        "`http://localhost:` and the port it listens on",
        "the site's public address, for canonical links, OpenGraph and the sitemap: an origin alone (`http` or `https`, a DNS name or IP address, an optional port; no user name, path, query or fragment)";
    SITE_CACHE_SECONDS: Kind::Seconds { default: 5.0, min: 0.0, max: 3600.0 },
        "",
        "how long the site keeps the list of projects and the owner's content (writes through the same process show at once); when the API fails, the last list is served for up to 10 minutes, the last content until it answers";
    API_URL: Kind::Other,
        "required by `site`",
        "where `folio site` reaches the API, e.g. `http://api.folio.internal:3001`";
    API_TIMEOUT_SECONDS: Kind::Seconds { default: 2.0, min: 0.05, max: 60.0 },
        "",
        "the time limit on each call from `site` to the API";
    SMTP_URL: Kind::Other,
        "",
        "mail server for contact notifications: `smtp://user:pass@host:587?tls=required` (STARTTLS; or `tls=opportunistic`), `smtps://…`; a password over plain `smtp://` to another machine is refused (it would cross the network in plain text), and plain `smtp://` without one gets a warning at start; without it messages are stored but nobody is notified";
    CONTACT_TO: Kind::Other,
        "required with `SMTP_URL`",
        "recipient (the owner), e.g. `Jordan <me@example.com>`";
    CONTACT_FROM: Kind::Other,
        "required with `SMTP_URL`",
        "sender, e.g. `Folio <noreply@example.com>`";
    CONTACT_RATE_LIMIT_PER_HOUR: Kind::Whole { default: 5 },
        "",
        "contact messages accepted per client per hour (then 429 with `Retry-After`)";
    CONTACT_GLOBAL_LIMIT_PER_HOUR: Kind::Whole { default: 30 },
        "",
        "contact messages accepted from all clients together per hour, per process (then 503 with `Retry-After`)";
    CONTACT_MAX_UNREAD: Kind::Whole { default: 1000 },
        "",
        "the most unread contact messages kept: past it new ones are refused with 503 until the owner marks some read (`POST /api/contact-messages/read`); stored ones are never dropped";
    CONTACT_NOTIFY_PER_HOUR: Kind::Whole { default: 10 },
        "",
        "e-mails the outbox sends per hour at most, per process; past it, due messages wait and go out together in one digest e-mail (up to 50 messages)";
    CONTACT_RETRY_BASE_SECONDS: Kind::Seconds { default: 30.0, min: 0.01, max: 86400.0 },
        "",
        "first retry delay of a notification (doubling, capped at an hour)";
    CONTACT_MAX_ATTEMPTS: Kind::Whole { default: 20 },
        "",
        "attempts before a notification is marked `failed`";
    FOLIO_ROLE: Kind::Other,
        "`serve`",
        "the role `folio healthcheck` probes when `--role` is not given";
}

/// The README's configuration table, one row per variable.
pub fn markdown_table() -> String {
    let mut table = String::from("| variable | default | meaning |\n|---|---|---|\n");
    for var in ALL {
        let default = var.default_text();
        let default = if default.is_empty() { " ".to_owned() } else { format!(" {default} ") };
        table.push_str(&format!("| `{}` |{default}| {} |\n", var.name, var.meaning));
    }
    table
}
