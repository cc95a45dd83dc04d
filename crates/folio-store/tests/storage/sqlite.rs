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

/// Rows a release before slugs wrote (a rollback, then the upgrade again) are addressed by id
/// until the next start, which gives each its title's slug, the older one first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_stored_without_a_slug_get_their_titles_at_the_next_start() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("folio.db");
    let store = open(&path).await;
    store.migrate().await.expect("migrate");
    let old = rusqlite::Connection::open(&path).expect("open the file as an older release would");
    let rows = [
        ("8d5c2d8c-9c2f-4c61-9a4e-0f6d8f0b1a01", "2025-01-01"),
        ("1d5c2d8c-9c2f-4c61-9a4e-0f6d8f0b1a02", "2025-02-01"),
    ];
    for (id, day) in rows {
        old.execute(
            r#"INSERT INTO projects (id, title, description, technologies, "isActive", "sortOrder", "createdAt", "updatedAt")
               VALUES (?1, 'Same title', 'd', '[]', 1, 0, ?2, ?2)"#,
            (id, format!("{day}T00:00:00.000Z")),
        )
        .expect("insert without a slug");
    }
    let before: Vec<String> = store.list_all_projects().await.expect("list").iter().map(|p| p.slug.clone()).collect();
    assert_eq!(before, ["project-1d5c2d8c9c2f4c619a4e0f6d8f0b1a02", "project-8d5c2d8c9c2f4c619a4e0f6d8f0b1a01"]);

    open(&path).await.migrate().await.expect("the next start");
    let after: Vec<String> = store.list_all_projects().await.expect("list").iter().map(|p| p.slug.clone()).collect();
    assert_eq!(after, ["same-title-2", "same-title"], "newest first; the older row has the plain slug");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stores_migrating_one_file_at_once_apply_each_migration_exactly_once() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("folio.db");
    let stores = [open(&path).await, open(&path).await, open(&path).await];
    let reports = futures::future::join_all(stores.iter().map(|s| s.migrate())).await;
    let mut applied: Vec<i64> = reports.into_iter().flat_map(|r| r.expect("migrate").applied).collect();
    applied.sort_unstable();
    assert_eq!(applied, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
}
