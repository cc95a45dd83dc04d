//! Folio's storage: one implementation of `folio_core::Store` per database, and the layers every
//! caller gets on top of it.
//!
//! - [`postgres`]: PostgreSQL 15 (RDS in production) over TLS with certificate verification.
//! - [`sqlite`]: an embedded file, for running with nothing configured.
//!
//! Both pass the same contract test suite (`tests/contract.rs`). Migrations are embedded in the
//! binary, tracked in `folio_schema_migrations`, and serialised across replicas.

mod coalesce;
mod columns;
mod instrumented;
mod media;
mod migrations;
mod pool_metrics;
pub mod postgres;
mod shared_reads;
mod site_content;
pub mod sqlite;

use std::sync::Arc;

use folio_core::{Store, StoreError};
use folio_metrics::DbMetrics;

/// Where the data lives: one of the two databases, fully configured.
#[derive(Debug, Clone)]
pub enum DatabaseSettings {
    Postgres(postgres::PgSettings),
    Sqlite(sqlite::SqliteSettings),
}

/// Opens the configured database, each query it really runs measured (`instrumented.rs`), and
/// concurrent reads of projects shared (`shared_reads.rs`). Nothing is migrated yet: call
/// `Store::migrate`.
pub async fn connect(settings: &DatabaseSettings, metrics: DbMetrics) -> Result<Arc<dyn Store>, StoreError> {
    let database: Arc<dyn Store> = match settings {
        DatabaseSettings::Postgres(s) => Arc::new(postgres::PgStore::connect(s, metrics.clone()).await?),
        DatabaseSettings::Sqlite(s) => Arc::new(sqlite::SqliteStore::open(s, metrics.clone()).await?),
    };
    let measured = Arc::new(instrumented::Instrumented::new(database, metrics));
    Ok(Arc::new(shared_reads::SharedReads::new(measured)))
}
