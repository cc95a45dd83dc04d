//! Sorting driver and pool errors into [`StoreError`]s.

use deadpool_postgres::PoolError;
use tokio_postgres::error::SqlState;

use super::tls::tls_cause;
use folio_core::StoreError;

/// Classifies an error from the driver; `roots_hint` says which CA an unknown issuer failed to
/// chain to.
pub(crate) fn classify(error: tokio_postgres::Error, roots_hint: &str) -> StoreError {
    if let Some(tls) = tls_cause(&error) {
        let hint = match tls {
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => roots_hint,
            _ => "",
        };
        return StoreError::Tls(format!("{tls}{hint}"));
    }
    let Some(db) = error.as_db_error() else {
        // No server answer: the connection failed or was lost.
        return StoreError::Unavailable(Box::new(error));
    };
    let code = db.code();
    if *code == SqlState::QUERY_CANCELED {
        StoreError::Timeout(Box::new(error))
    } else if *code == SqlState::UNIQUE_VIOLATION {
        StoreError::Conflict(db.message().to_owned())
    } else if *code == SqlState::FOREIGN_KEY_VIOLATION {
        StoreError::Refused(crate::media::DANGLING_PHOTO.to_owned())
    } else if *code == SqlState::DISK_FULL || *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        StoreError::Storage(db.message().to_owned())
    } else if code.code().starts_with("28") {
        // Wrong password (RDS rotated the managed secret?) or no pg_hba entry: retrying with the
        // same settings cannot help.
        StoreError::Credentials(db.message().to_owned())
    } else if code.code().starts_with("08")
        || code.code().starts_with("53")
        || code.code().starts_with("57P")
        || *code == SqlState::INVALID_CATALOG_NAME
    {
        // Connection exceptions, resources, shutdown, missing database.
        StoreError::Unavailable(Box::new(error))
    } else {
        StoreError::Query(Box::new(error))
    }
}

/// Classifies a failure to get a connection from the pool.
pub(crate) fn classify_pool(error: PoolError, roots_hint: &str) -> StoreError {
    match error {
        PoolError::Backend(e) => classify(e, roots_hint),
        PoolError::Timeout(_) => StoreError::Unavailable("timed out waiting for a database connection".into()),
        PoolError::Closed => StoreError::Unavailable("the connection pool is closed".into()),
        other => StoreError::Unavailable(Box::new(other)),
    }
}
