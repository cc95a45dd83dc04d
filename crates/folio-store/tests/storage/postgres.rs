//! PostgreSQL-only behaviour: adopting the earlier platform's table, migrations racing, TLS
//! verification, and riding out a database outage.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::pg_settings;
use folio_core::{Store, StoreError};
use folio_metrics::{Metrics, Service};
use folio_store::DatabaseSettings;
use folio_store::postgres::{PgSettings, RootCerts, SslMode};
use folio_testkit::{PgCluster, TestDb, UNNAMED_HOST};

fn metrics() -> Arc<Metrics> {
    Arc::new(Metrics::new(&[Service::Api], "test", "test"))
}

async fn store(settings: PgSettings) -> Arc<dyn Store> {
    folio_store::connect(&DatabaseSettings::Postgres(settings), metrics().db.clone()).await.expect("connect")
}

fn verified(db: &TestDb) -> PgSettings {
    pg_settings(&db.info, &db.name, &db.info.host, SslMode::VerifyFull, Some(RootCerts::File(db.info.ca_cert.clone())))
}

/// The table the earlier platform's own SQL script made, with its trigger, and two rows.
const TYPEORM_TEXT_ARRAY: &str = r#"
CREATE TABLE projects (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    title VARCHAR(200) NOT NULL,
    description TEXT NOT NULL,
    "imageUrl" VARCHAR(500), "projectUrl" VARCHAR(500), "githubUrl" VARCHAR(500),
    technologies TEXT[],
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP NOT NULL DEFAULT NOW(),
    "updatedAt" TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE FUNCTION update_updated_at_column() RETURNS TRIGGER AS $$
BEGIN NEW."updatedAt" = NOW(); RETURN NEW; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER update_projects_updated_at BEFORE UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
INSERT INTO projects (id, title, description, "githubUrl", technologies, "sortOrder", "createdAt", "updatedAt") VALUES
    ('6f9619ff-8b86-4011-b42d-00c04fc964ff', 'Platform', 'The earlier site', 'https://github.com/x/y',
     ARRAY['NestJS','Terraform'], 1, '2025-10-29 20:51:37.578', '2025-10-30 08:00:00'),
    ('0e7c1e9a-1111-4222-8333-944455556666', 'No tags', 'Null technologies', NULL, NULL, 2,
     '2025-10-31 09:00:00', '2025-10-31 09:00:00');
"#;

/// What TypeORM's `synchronize` makes for `simple-array`: comma-separated text.
const TYPEORM_SIMPLE_ARRAY: &str = r#"
CREATE TABLE projects (
    id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    title character varying(200) NOT NULL,
    description text NOT NULL,
    "imageUrl" character varying(500), "projectUrl" character varying(500), "githubUrl" character varying(500),
    technologies text,
    "isActive" boolean NOT NULL DEFAULT true,
    "sortOrder" integer NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(),
    "updatedAt" TIMESTAMP NOT NULL DEFAULT now()
);
INSERT INTO projects (id, title, description, technologies, "createdAt", "updatedAt") VALUES
    ('6f9619ff-8b86-4011-b42d-00c04fc964ff', 'Platform', 'd', 'NestJS,Terraform', '2025-10-29 20:51:37.578', '2025-10-29 20:51:37.578'),
    ('0e7c1e9a-1111-4222-8333-944455556666', 'Empty', 'd', '', '2025-10-31 09:00:00', '2025-10-31 09:00:00');
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_earlier_platforms_table_is_adopted_with_every_row() {
    let db = TestDb::new();
    db.psql(TYPEORM_TEXT_ARRAY);
    let store = store(verified(&db)).await;
    let report = store.migrate().await.expect("migrate");
    assert_eq!(report.applied, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    let listed = store.list_active_projects().await.expect("list");
    let summary: Vec<(String, Vec<String>, String)> =
        listed.iter().map(|p| (p.title.clone(), p.technologies.clone(), p.created_at.to_rfc3339())).collect();
    assert_eq!(
        summary,
        [
            (
                "Platform".to_owned(),
                vec!["NestJS".to_owned(), "Terraform".to_owned()],
                "2025-10-29T20:51:37.578Z".to_owned()
            ),
            ("No tags".to_owned(), vec![], "2025-10-31T09:00:00.000Z".to_owned()),
        ]
    );
    assert_eq!(listed[0].github_url.as_deref(), Some("https://github.com/x/y"));
    let slugs: Vec<&str> = listed.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["platform", "no-tags"], "adopted rows get their titles' slugs");
    assert_eq!(db.psql("SELECT count(*) FROM pg_trigger WHERE tgname = 'update_projects_updated_at'"), "0");
    assert_eq!(
        db.psql("SELECT data_type FROM information_schema.columns WHERE table_name = 'projects' AND column_name = 'createdAt'"),
        "timestamp with time zone"
    );
    assert!(store.migrate().await.expect("second run").applied.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typeorm_simple_array_column_becomes_a_text_array() {
    let db = TestDb::new();
    db.psql(TYPEORM_SIMPLE_ARRAY);
    let store = store(verified(&db)).await;
    store.migrate().await.expect("migrate");
    let tags: Vec<Vec<String>> =
        store.list_active_projects().await.expect("list").iter().map(|p| p.technologies.clone()).collect();
    // Both have sortOrder 0, so the newer ("Empty", 31 October) lists first.
    assert_eq!(tags, [vec![], vec!["NestJS".to_owned(), "Terraform".to_owned()]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_migrating_at_once_apply_each_migration_exactly_once() {
    let db = TestDb::new();
    let stores = [store(verified(&db)).await, store(verified(&db)).await, store(verified(&db)).await];
    let reports = futures::future::join_all(stores.iter().map(|s| s.migrate())).await;
    let mut applied: Vec<i64> = reports.into_iter().flat_map(|r| r.expect("migrate").applied).collect();
    applied.sort_unstable();
    assert_eq!(applied, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(db.psql("SELECT count(*) FROM folio_schema_migrations"), "10");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_migration_stops_the_start() {
    let db = TestDb::new();
    let store = store(verified(&db)).await;
    store.migrate().await.expect("migrate");
    db.psql("UPDATE folio_schema_migrations SET checksum = 'edited' WHERE version = 1");
    let err = store.migrate().await.expect_err("edited migration");
    assert!(err.to_string().contains("migration 1 (create_projects) was changed after it was applied"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_another_ca_is_refused_with_a_clear_error() {
    let db = TestDb::new();
    let mut settings = verified(&db);
    settings.ssl_root_cert = Some(RootCerts::File(db.info.untrusted_ca_cert.clone()));
    let err = store(settings).await.ping().await.expect_err("untrusted certificate");
    let StoreError::Tls(message) = &err else { panic!("expected a TLS error, got {err:?}") };
    assert!(message.contains("UnknownIssuer"), "{message}");
    assert!(message.contains(&db.info.untrusted_ca_cert.display().to_string()), "{message}");
    assert!(!err.is_transient());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let db = TestDb::new();
    let roots = Some(RootCerts::File(db.info.ca_cert.clone()));
    let full = pg_settings(&db.info, &db.name, UNNAMED_HOST, SslMode::VerifyFull, roots.clone());
    let err = store(full).await.ping().await.expect_err("host not in certificate");
    assert!(matches!(&err, StoreError::Tls(m) if m.contains("not valid for name \"127.0.0.2\"")), "{err:?}");
    let ca_only = pg_settings(&db.info, &db.name, UNNAMED_HOST, SslMode::VerifyCa, roots);
    store(ca_only).await.ping().await.expect("verify-ca ignores the host name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_ca_still_refuses_another_ca_and_require_without_roots_only_encrypts() {
    let db = TestDb::new();
    let wrong = Some(RootCerts::File(db.info.untrusted_ca_cert.clone()));
    let ca_only = pg_settings(&db.info, &db.name, UNNAMED_HOST, SslMode::VerifyCa, wrong);
    let err = store(ca_only).await.ping().await.expect_err("untrusted certificate");
    assert!(matches!(&err, StoreError::Tls(m) if m.contains("UnknownIssuer")), "{err:?}");
    let encrypted = pg_settings(&db.info, &db.name, UNNAMED_HOST, SslMode::Require, None);
    store(encrypted).await.ping().await.expect("require without roots encrypts but does not authenticate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_modes_without_root_certificates_are_a_configuration_error() {
    let db = TestDb::new();
    let settings = pg_settings(&db.info, &db.name, &db.info.host, SslMode::VerifyFull, None);
    let err =
        folio_store::connect(&DatabaseSettings::Postgres(settings), metrics().db.clone()).await.expect_err("no roots");
    assert!(err.to_string().contains("sslmode verify-full needs root certificates"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_connections_without_tls() {
    let db = TestDb::new();
    let settings = pg_settings(&db.info, &db.name, &db.info.host, SslMode::Disable, None);
    let err = store(settings).await.ping().await.expect_err("plain TCP refused");
    assert!(err.chain().contains("no encryption"), "{}", err.chain());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_fail_fast_while_the_database_is_down_and_recover_when_it_returns() {
    let cluster = PgCluster::start();
    let info = cluster.info();
    let settings =
        pg_settings(info, "postgres", &info.host, SslMode::VerifyFull, Some(RootCerts::File(info.ca_cert.clone())));
    let acquire_timeout = settings.pool.acquire_timeout;
    let store = store(settings).await;
    store.migrate().await.expect("migrate");
    store.list_active_projects().await.expect("list before the outage");

    cluster.stop();
    for _ in 0..3 {
        let started = Instant::now();
        let err = store.list_active_projects().await.expect_err("database down");
        assert!(err.is_transient(), "{err:?}");
        assert!(started.elapsed() <= acquire_timeout + Duration::from_millis(500), "took {:?}", started.elapsed());
        assert!(store.ping().await.is_err());
    }

    cluster.start_again();
    let back = Instant::now();
    while store.list_active_projects().await.is_err() {
        assert!(back.elapsed() < Duration::from_secs(10), "no recovery within 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    store.ping().await.expect("ping after recovery");
}

// One thread, and psql run blocking: the driver's connection tasks cannot run between the end
// of the sessions and the next checkout, so the pool hands out connections it still believes
// open, which is the race a busy server meets after a failover.
#[tokio::test(flavor = "current_thread")]
async fn reads_and_the_health_check_ride_over_connections_the_server_ended() {
    let db = TestDb::new();
    let store = store(verified(&db)).await;
    store.migrate().await.expect("migrate");
    // Several connections in the request pool, one in the health pool, all idle afterwards.
    let reads: Vec<_> = (0..4).map(|_| store.list_active_projects()).collect();
    for read in futures::future::join_all(reads).await {
        read.expect("read before");
    }
    store.ping().await.expect("ping before");

    // What a failover or RDS maintenance does to every session at once.
    let ended = db.psql(&format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
        db.name
    ));
    assert_ne!(ended, "0", "no session of the store was ended");

    store.ping().await.expect("the health check after its connection was ended");
    for _ in 0..4 {
        store.list_active_projects().await.expect("a read after its connection was ended");
        store.list_contact_messages(10).await.expect("the inbox after its connection was ended");
    }
}
