//! SQLite-only behaviour: the file and its directory are created, and processes migrating the
//! same file at once take turns.

use std::sync::Arc;

use folio_core::Store;
use folio_metrics::{Metrics, Service};
use folio_store::DatabaseSettings;
use folio_store::sqlite::SqliteSettings;

async fn open(path: &std::path::Path) -> Arc<dyn Store> {
    let metrics = Metrics::new(&[Service::Api], "test", "test");
    folio_store::connect(&DatabaseSettings::Sqlite(SqliteSettings::at(path)), metrics.db.clone()).await.expect("open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_file_and_its_directories_are_created() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("nested/data/folio.db");
    open(&path).await.migrate().await.expect("migrate");
    assert!(path.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stores_migrating_one_file_at_once_apply_each_migration_exactly_once() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("folio.db");
    let stores = [open(&path).await, open(&path).await, open(&path).await];
    let reports = futures::future::join_all(stores.iter().map(|s| s.migrate())).await;
    let mut applied: Vec<i64> = reports.into_iter().flat_map(|r| r.expect("migrate").applied).collect();
    applied.sort_unstable();
    assert_eq!(applied, [1, 2, 3, 4, 5]);
}
