//! Stores on freshly made databases, for the storage tests.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use folio_core::Store;
use folio_metrics::{Metrics, Service};
use folio_store::DatabaseSettings;
use folio_store::postgres::{PgSettings, PoolSettings, RootCerts, SslMode};
use folio_store::sqlite::SqliteSettings;
use folio_testkit::{ClusterInfo, TestDb};

/// A migrated store, and whatever keeps its database alive.
pub struct Harness {
    pub store: Arc<dyn Store>,
    _keep: Box<dyn Any>,
}

pub async fn sqlite() -> Harness {
    let dir = tempfile::tempdir().expect("temporary directory");
    let settings = DatabaseSettings::Sqlite(SqliteSettings::at(dir.path().join("folio.db")));
    open(settings, Box::new(dir)).await
}

pub async fn postgres() -> Harness {
    let db = TestDb::new();
    let settings = DatabaseSettings::Postgres(pg_settings(
        &db.info,
        &db.name,
        &db.info.host,
        SslMode::VerifyFull,
        Some(RootCerts::File(db.info.ca_cert.clone())),
    ));
    open(settings, Box::new(db)).await
}

async fn open(settings: DatabaseSettings, keep: Box<dyn Any>) -> Harness {
    let metrics = Metrics::new(&[Service::Api], "test", "test");
    let store = folio_store::connect(&settings, metrics.db.clone()).await.expect("connect");
    store.migrate().await.expect("migrate");
    Harness { store, _keep: keep }
}

/// Settings for `dbname` in a test cluster, as the superuser.
pub fn pg_settings(
    info: &ClusterInfo,
    dbname: &str,
    host: &str,
    ssl_mode: SslMode,
    roots: Option<RootCerts>,
) -> PgSettings {
    PgSettings {
        host: host.to_owned(),
        port: info.port,
        dbname: dbname.to_owned(),
        user: info.user.clone(),
        password: Some(info.password.clone().into()),
        ssl_mode,
        ssl_root_cert: roots,
        pool: PoolSettings {
            max_size: 10,
            acquire_timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(3),
            statement_timeout: Duration::from_secs(5),
        },
    }
}
