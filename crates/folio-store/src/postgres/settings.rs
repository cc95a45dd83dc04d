//! How to reach PostgreSQL: address, credentials, TLS mode and pool limits.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// TLS to the server, with libpq's names and meanings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plain TCP.
    Disable,
    /// TLS when the server offers it, plain otherwise; the certificate is not checked.
    Prefer,
    /// TLS always; the certificate is checked against the root certificates when some are
    /// configured (as libpq does), otherwise not at all.
    Require,
    /// TLS, and the certificate must chain to the root certificates.
    VerifyCa,
    /// TLS, the certificate must chain to the root certificates and name the host.
    VerifyFull,
}

impl SslMode {
    /// Every accepted spelling, for error messages.
    pub const NAMES: &'static str = "disable, prefer, require, verify-ca, verify-full";

    /// The libpq name of the mode.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl FromStr for SslMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "disable" => Ok(SslMode::Disable),
            "prefer" => Ok(SslMode::Prefer),
            "require" => Ok(SslMode::Require),
            "verify-ca" => Ok(SslMode::VerifyCa),
            "verify-full" => Ok(SslMode::VerifyFull),
            other => Err(format!("unknown sslmode {other:?}; expected one of {}", Self::NAMES)),
        }
    }
}

/// Which certificate authorities to trust for the server certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCerts {
    /// Only the certificates in this PEM file (for RDS: the AWS RDS CA bundle).
    File(PathBuf),
    /// The public web PKI (libpq's `sslrootcert=system`), for providers with public certificates.
    System,
}

impl FromStr for RootCerts {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "" => Err("the root certificate path is empty".to_owned()),
            "system" => Ok(RootCerts::System),
            path => Ok(RootCerts::File(PathBuf::from(path))),
        }
    }
}

/// Pool limits and time bounds (their defaults are the configuration's, in
/// `crates/folio/src/config/vars.rs`).
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections the request pool opens.
    pub max_size: usize,
    /// How long a request waits for a free connection before it fails with 503.
    pub acquire_timeout: Duration,
    /// How long opening one connection (TCP, TLS, authentication) may take.
    pub connect_timeout: Duration,
    /// The server-side `statement_timeout` for every query.
    pub statement_timeout: Duration,
}

/// A fully resolved PostgreSQL configuration.
#[derive(Clone)]
pub struct PgSettings {
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    pub password: Option<SecretString>,
    pub ssl_mode: SslMode,
    pub ssl_root_cert: Option<RootCerts>,
    pub pool: PoolSettings,
}

impl fmt::Debug for PgSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dbname", &self.dbname)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("ssl_mode", &self.ssl_mode)
            .field("ssl_root_cert", &self.ssl_root_cert)
            .field("pool", &self.pool)
            .finish()
    }
}

/// The parts of a `postgres://` URL.
#[derive(Clone)]
pub struct PgUrl {
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    pub password: Option<SecretString>,
    pub ssl_mode: Option<SslMode>,
    pub ssl_root_cert: Option<RootCerts>,
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dbname", &self.dbname)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl PgUrl {
    /// Parses `postgres://user:password@host:port/dbname?sslmode=…&sslrootcert=…`. Errors never
    /// repeat the URL, which may hold a password.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = Url::parse(text).map_err(|e| format!("not a valid URL ({e})"))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(format!("scheme must be postgres://, not {}://", url.scheme()));
        }
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("the URL has no host")?;
        let dbname = decode(url.path().trim_start_matches('/'))?;
        let user = decode(url.username())?;
        if user.is_empty() {
            return Err("the URL has no user name".to_owned());
        }
        let password = url.password().map(decode).transpose()?.map(SecretString::from);
        let mut parsed = Self {
            host: host.trim_start_matches('[').trim_end_matches(']').to_owned(),
            port: url.port().unwrap_or(5432),
            dbname: if dbname.is_empty() { user.clone() } else { dbname },
            user,
            password,
            ssl_mode: None,
            ssl_root_cert: None,
        };
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "sslmode" => parsed.ssl_mode = Some(value.parse()?),
                "sslrootcert" => parsed.ssl_root_cert = Some(value.parse()?),
                other => {
                    return Err(format!("unsupported URL parameter {other:?} (supported: sslmode, sslrootcert)"));
                }
            }
        }
        Ok(parsed)
    }
}

impl PgSettings {
    /// The password, for the driver only.
    pub(crate) fn password_bytes(&self) -> Option<&[u8]> {
        self.password.as_ref().map(|p| p.expose_secret().as_bytes())
    }
}

/// A user name, password or database name as written in the URL: percent-decoded (RFC 3986),
/// so `%2B` is `+` and a `+` stays a `+` (form decoding, which turns it into a space, is for
/// query strings only).
fn decode(part: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(part)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| "the URL's user name, password or database name is not percent-encoded UTF-8".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_part_of_a_url() {
        let url = PgUrl::parse("postgres://app:p%40ss@db.example:6432/folio?sslmode=verify-ca&sslrootcert=/ca.pem")
            .expect("valid");
        assert_eq!(
            (url.host.as_str(), url.port, url.dbname.as_str(), url.user.as_str()),
            ("db.example", 6432, "folio", "app")
        );
        assert_eq!(url.password.as_ref().map(|p| p.expose_secret().to_owned()), Some("p@ss".to_owned()));
        assert_eq!(url.ssl_mode, Some(SslMode::VerifyCa));
        assert_eq!(url.ssl_root_cert, Some(RootCerts::File("/ca.pem".into())));
    }

    #[test]
    fn passwords_keep_every_character_percent_encoded_or_not() {
        for (written, meant) in [
            ("a+b%2Bc", "a+b+c"),
            ("p%25ss", "p%ss"),
            ("p%40ss", "p@ss"),
            ("p%2Fss", "p/ss"),
            ("p%3Ass", "p:ss"),
            ("p%C3%A4ss%E2%82%AC", "päss€"),
            ("päss", "päss"),
        ] {
            let url = PgUrl::parse(&format!("postgres://app:{written}@db.example/folio")).expect("valid");
            assert_eq!(url.password.map(|p| p.expose_secret().to_owned()).as_deref(), Some(meant), "{written}");
        }
    }

    #[test]
    fn errors_name_the_problem_without_echoing_the_password() {
        let err = PgUrl::parse("postgres://u:hunter2@h/db?sslmode=verify").expect_err("bad mode");
        assert!(err.contains("unknown sslmode \"verify\""), "{err}");
        assert!(!err.contains("hunter2"));
        let err = PgUrl::parse("mysql://u:hunter2@h/db").expect_err("bad scheme");
        assert_eq!(err, "scheme must be postgres://, not mysql://");
    }

    #[test]
    fn debug_output_hides_the_password() {
        let url = PgUrl::parse("postgres://u:hunter2@h/db").expect("valid");
        assert!(!format!("{url:?}").contains("hunter2"));
    }
}
