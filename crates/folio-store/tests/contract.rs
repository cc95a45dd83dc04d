//! The storage contract: every test here runs against SQLite and against PostgreSQL 15, so the
//! two implementations cannot drift apart.

mod common;

use std::time::Duration;

use folio_domain::{NewProject, ProjectPatch};
use folio_store::Store;
use futures::future::join_all;
use serde_json::json;
use uuid::Uuid;

fn new_project(title: &str, sort_order: i32, active: bool) -> NewProject {
    NewProject::from_json(&json!({
        "title": title,
        "description": format!("About {title}"),
        "sortOrder": sort_order,
        "isActive": active,
    }))
    .expect("valid project")
}

async fn migrations_are_tracked_and_a_second_run_applies_nothing(store: &dyn Store) {
    let report = store.migrate().await.expect("second migration run");
    assert!(report.applied.is_empty(), "applied again: {report:?}");
    assert!(report.unknown.is_empty());
}

async fn a_created_project_reads_back_exactly_as_stored(store: &dyn Store) {
    let new = NewProject::from_json(&json!({
        "title": "Robert'); DROP TABLE projects;-- ünïcödé 🚀",
        "description": "<script>alert('x')</script>\nline two",
        "imageUrl": "https://example.com/a.png",
        "projectUrl": "http://example.com/?q=1&r=2",
        "githubUrl": null,
        "technologies": ["Rust", "Post'gres", "\"quoted\"", "comma,inside"],
        "isActive": true,
        "sortOrder": -5,
    }))
    .expect("valid");
    let created = store.create_project(new.clone()).await.expect("create");
    assert_eq!(created.title, new.title);
    assert_eq!(created.technologies, new.technologies);
    assert_eq!(created.created_at, created.updated_at);
    let read = store
        .get_project(created.id)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(read, created);
}

async fn the_listing_holds_active_projects_by_sort_order_then_newest_first(store: &dyn Store) {
    let b_old = store
        .create_project(new_project("b-old", 1, true))
        .await
        .expect("create");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let b_new = store
        .create_project(new_project("b-new", 1, true))
        .await
        .expect("create");
    let a = store
        .create_project(new_project("a", 0, true))
        .await
        .expect("create");
    store
        .create_project(new_project("hidden", -1, false))
        .await
        .expect("create");
    let titles: Vec<String> = store
        .list_active_projects()
        .await
        .expect("list")
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(titles, [a.title, b_new.title, b_old.title]);
}

async fn an_inactive_project_can_still_be_fetched_by_id(store: &dyn Store) {
    let hidden = store
        .create_project(new_project("hidden", 0, false))
        .await
        .expect("create");
    assert_eq!(
        store.get_project(hidden.id).await.expect("get"),
        Some(hidden)
    );
}

async fn unknown_ids_are_reported_as_absent(store: &dyn Store) {
    let id = Uuid::new_v4();
    assert_eq!(store.get_project(id).await.expect("get"), None);
    assert_eq!(
        store
            .update_project(id, ProjectPatch::default())
            .await
            .expect("update"),
        None
    );
    assert!(!store.delete_project(id).await.expect("delete"));
}

async fn an_update_changes_only_the_given_fields(store: &dyn Store) {
    let created = store
        .create_project(new_project("before", 3, true))
        .await
        .expect("create");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let patch = ProjectPatch::from_json(&json!({"title": "after", "technologies": ["Axum"]}))
        .expect("valid");
    let updated = store
        .update_project(created.id, patch)
        .await
        .expect("update")
        .expect("found");
    assert_eq!(updated.title, "after");
    assert_eq!(updated.technologies, ["Axum"]);
    assert_eq!(
        (updated.description.as_str(), updated.sort_order),
        (created.description.as_str(), 3)
    );
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at > created.updated_at);
    assert_eq!(
        store.get_project(created.id).await.expect("get"),
        Some(updated)
    );
}

async fn null_clears_an_optional_url(store: &dyn Store) {
    let new = NewProject::from_json(
        &json!({"title": "t", "description": "d", "imageUrl": "https://x.example/i.png"}),
    )
    .expect("valid");
    let created = store.create_project(new).await.expect("create");
    let patch = ProjectPatch::from_json(&json!({"imageUrl": null})).expect("valid");
    let updated = store
        .update_project(created.id, patch)
        .await
        .expect("update")
        .expect("found");
    assert_eq!(updated.image_url, None);
    assert_eq!(
        store
            .get_project(created.id)
            .await
            .expect("get")
            .expect("found")
            .image_url,
        None
    );
}

async fn concurrent_updates_to_different_fields_both_survive(store: &dyn Store) {
    let created = store
        .create_project(new_project("race", 0, true))
        .await
        .expect("create");
    let titles = (0..8).map(|i| {
        let patch = ProjectPatch {
            title: Some(format!("title {i}")),
            ..Default::default()
        };
        store.update_project(created.id, patch)
    });
    let orders = (0..8).map(|i| {
        let patch = ProjectPatch {
            sort_order: Some(100 + i),
            ..Default::default()
        };
        store.update_project(created.id, patch)
    });
    let (a, b) = tokio::join!(join_all(titles), join_all(orders));
    assert!(
        a.iter().chain(b.iter()).all(|r| matches!(r, Ok(Some(_)))),
        "an update failed: {a:?} {b:?}"
    );
    let last = store
        .get_project(created.id)
        .await
        .expect("get")
        .expect("found");
    assert!(last.title.starts_with("title "), "title lost: {last:?}");
    assert!(last.sort_order >= 100, "sortOrder lost: {last:?}");
}

async fn a_deleted_project_is_gone(store: &dyn Store) {
    let created = store
        .create_project(new_project("doomed", 0, true))
        .await
        .expect("create");
    assert!(store.delete_project(created.id).await.expect("delete"));
    assert_eq!(store.get_project(created.id).await.expect("get"), None);
    assert!(store.list_active_projects().await.expect("list").is_empty());
}

async fn ping_answers(store: &dyn Store) {
    store.ping().await.expect("ping");
}

macro_rules! contract {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let harness = crate::common::sqlite().await;
                    super::$test(harness.store.as_ref()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let harness = crate::common::postgres().await;
                    super::$test(harness.store.as_ref()).await;
                }
            )*
        }
    };
}

contract!(
    migrations_are_tracked_and_a_second_run_applies_nothing,
    a_created_project_reads_back_exactly_as_stored,
    the_listing_holds_active_projects_by_sort_order_then_newest_first,
    an_inactive_project_can_still_be_fetched_by_id,
    unknown_ids_are_reported_as_absent,
    an_update_changes_only_the_given_fields,
    null_clears_an_optional_url,
    concurrent_updates_to_different_fields_both_survive,
    a_deleted_project_is_gone,
    ping_answers,
);
