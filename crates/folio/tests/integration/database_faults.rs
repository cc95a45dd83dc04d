//! The application when PostgreSQL misbehaves: stopped under it, not yet started, presenting a
//! certificate from the wrong CA, or being migrated by two replicas at once.

use std::time::{Duration, Instant};

use crate::common::{ADMIN_TOKEN, TestApp, json_with_status, spawn_with};
use folio::config::{Config, Env, Role};
use folio::startup::{Application, Stopped};
use folio_testkit::{PgCluster, TestDb};

fn env_for(url: String) -> Vec<(String, String)> {
    vec![("DATABASE_URL".into(), url), ("ADMIN_TOKEN".into(), ADMIN_TOKEN.into())]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_get_503_while_the_database_is_down_and_service_returns_without_a_restart() {
    let cluster = PgCluster::start();
    let app = spawn_with(Role::Api, env_for(cluster.info().url("postgres")), Box::new(()), &[]).await;
    let created = app.create_project(TestApp::project("survivor")).await;

    cluster.stop();
    let started = Instant::now();
    let health = json_with_status(app.get("/api/health").await, 503).await;
    assert_eq!(health["status"], "unhealthy");
    assert_eq!(health["database"]["status"], "error");
    assert_eq!(health["database"]["type"], "postgresql");
    assert!(health["database"].get("error").is_none(), "internal details leak outside development: {health}");
    let projects = app.get("/api/projects").await;
    assert_eq!(projects.headers()["retry-after"], "5");
    assert_eq!(json_with_status(projects, 503).await["message"], "The database is unavailable; try again shortly");
    assert!(started.elapsed() < Duration::from_secs(5), "failing took {:?}", started.elapsed());

    cluster.start_again();
    let back = Instant::now();
    while app.get("/api/health").await.status() != 200 {
        assert!(back.elapsed() < Duration::from_secs(10), "not healthy again within 10 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let listed = json_with_status(app.get("/api/projects").await, 200).await;
    assert_eq!(listed[0]["id"], created["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_development_the_health_check_says_why_the_database_failed() {
    let cluster = PgCluster::start();
    let app =
        spawn_with(Role::Api, env_for(cluster.info().url("postgres")), Box::new(()), &[("APP_ENV", "development")])
            .await;
    cluster.stop();
    let health = json_with_status(app.get("/api/health").await, 503).await;
    let error = health["database"]["error"].as_str().expect("error detail in development");
    assert!(error.contains("unavailable"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_refuses_a_certificate_from_another_ca_at_once_and_says_why() {
    let db = TestDb::new();
    let url = db
        .info
        .url(&db.name)
        .replace(&db.info.ca_cert.display().to_string(), &db.info.untrusted_ca_cert.display().to_string());
    let config =
        Config::load(Role::Api, Env::from_pairs([("PORT", "0"), ("APP_ENV", "test"), ("DATABASE_URL", url.as_str())]))
            .expect("valid configuration");
    let started = Instant::now();
    let error = Application::build(config).await.expect_err("untrusted certificate").to_string();
    assert!(started.elapsed() < Duration::from_secs(5), "retried a permanent failure for {:?}", started.elapsed());
    assert!(error.contains("certificate was refused"), "{error}");
    assert!(error.contains("UnknownIssuer"), "{error}");
    assert!(error.contains(&db.info.untrusted_ca_cert.display().to_string()), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_waits_for_a_database_that_is_still_starting() {
    let cluster = PgCluster::start();
    cluster.stop();
    let config = Config::load(
        Role::Api,
        Env::from_pairs([
            ("PORT", "0"),
            ("APP_ENV", "test"),
            ("ALLOW_DEMO_CONTENT", "true"),
            ("DATABASE_URL", cluster.info().url("postgres").as_str()),
        ]),
    )
    .expect("valid configuration");
    let building = tokio::spawn(Application::build(config));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!building.is_finished(), "start-up gave up on a database that is only starting");
    cluster.start_again();
    let app = tokio::time::timeout(Duration::from_secs(15), building).await.expect("started in time").expect("task");
    app.expect("application starts once the database is up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_starting_together_on_an_empty_database_both_serve() {
    let db = TestDb::new();
    let url = db.info.url(&db.name);
    let (a, b) = tokio::join!(
        spawn_with(Role::Api, env_for(url.clone()), Box::new(()), &[]),
        spawn_with(Role::Api, env_for(url), Box::new(()), &[]),
    );
    let created = a.create_project(TestApp::project("shared")).await;
    let listed = json_with_status(b.get("/api/projects").await, 200).await;
    assert_eq!(listed[0]["id"], created["id"]);
    assert_eq!(
        db.psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM folio_schema_migrations"),
        "1,2,3,4,5,6,7,8,9,10"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_gives_up_on_a_database_port_that_accepts_but_never_answers() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("postgres://u:p@127.0.0.1:{}/db?sslmode=disable", silent.local_addr().expect("address").port());
    let config = Config::load(
        Role::Api,
        Env::from_pairs([
            ("PORT", "0"),
            ("APP_ENV", "test"),
            ("DATABASE_URL", url.as_str()),
            ("DB_STARTUP_TIMEOUT_SECONDS", "1"),
        ]),
    )
    .expect("valid configuration");
    let started = Instant::now();
    let error = tokio::time::timeout(Duration::from_secs(20), Application::build(config))
        .await
        .expect("start-up must not hang")
        .expect_err("nothing answers");
    assert!(error.to_string().contains("no answer from the database within"), "{error:#}");
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_database_password_stops_the_process_so_a_restart_picks_up_the_new_one() {
    let cluster = PgCluster::start();
    let info = cluster.info();
    info.psql("postgres", "CREATE ROLE app LOGIN PASSWORD 'first-password'");
    info.psql("postgres", "CREATE DATABASE appdb OWNER app");
    let url = format!(
        "postgres://app:first-password@{}:{}/appdb?sslmode=verify-full&sslrootcert={}",
        info.host,
        info.port,
        info.ca_cert.display()
    );
    let app = spawn_with(Role::Api, env_for(url), Box::new(()), &[]).await;
    json_with_status(app.get("/api/projects").await, 200).await;

    // What RDS does when it rotates the managed secret; open sessions then end.
    info.psql("postgres", "ALTER ROLE app PASSWORD 'rotated-password'");
    info.psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'");
    json_with_status(app.get("/api/projects").await, 503).await;
    // That request may have met a connection the termination had closed rather than the
    // refusal of a new one; visitors keep coming, and a new connection is refused.
    let client = app.client.clone();
    let url = app.url("/api/projects");
    let visitors = tokio::spawn(async move {
        loop {
            let _ = client.get(&url).send().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let stopped = tokio::time::timeout(Duration::from_secs(10), app.stopped()).await.expect("stops by itself");
    visitors.abort();
    let Stopped::DatabaseRefused(reason) = stopped else { panic!("expected a refusal, got {stopped:?}") };
    assert!(reason.contains("password authentication failed"), "{reason}");
}

/// `folio migrate` as the pipeline's one-off task runs it: the master user's credentials, and
/// the application role's, as ECS injects them from Secrets Manager.
fn migrate_as_master(db: &TestDb, master: (&str, &str), app: (&str, &str)) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg("migrate")
        .env_clear()
        .envs([
            ("APP_ENV", "test"),
            ("LOG_FORMAT", "json"),
            ("DB_HOST", db.info.host.as_str()),
            ("DB_PORT", &db.info.port.to_string()),
            ("DB_NAME", &db.name),
            ("DB_USERNAME", master.0),
            ("DB_PASSWORD", master.1),
            ("DB_SSLMODE", "verify-full"),
            ("DB_SSLROOTCERT", &db.info.ca_cert.display().to_string()),
            ("DB_APP_USERNAME", app.0),
            ("DB_APP_PASSWORD", app.1),
        ])
        .output()
        .expect("run folio migrate")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_makes_an_application_role_that_outlives_a_rotation_of_the_master_password() {
    let db = TestDb::new();
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (master, app) = (format!("master_{id}"), format!("app_{id}"));
    // Like RDS's master user: may create roles, owns the database, is no superuser.
    db.info.psql("postgres", &format!("CREATE ROLE {master} LOGIN CREATEROLE PASSWORD 'master-password-1'"));
    db.info.psql("postgres", &format!("ALTER DATABASE {} OWNER TO {master}", db.name));
    db.info.psql("postgres", &format!("ALTER DATABASE {} SET log_statement = 'all'", db.name));
    let app_password = "app+pass%20word@host/path:é-0123456789";

    let output = migrate_as_master(&db, (&master, "master-password-1"), (&app, app_password));
    assert!(output.status.success(), "migrate failed: {}", String::from_utf8_lossy(&output.stderr));
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(log.contains("application role provisioned") && log.contains("\"outcome\":\"created\""), "{log}");
    assert_eq!(
        db.psql(&format!("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = '{app}'")),
        "f|f|f"
    );
    let owners = db.psql("SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public'");
    assert_eq!(owners, app, "every table belongs to the application role");
    let server_log = std::fs::read_to_string(db.info.socket_dir.join("server.log")).expect("server log");
    assert!(
        server_log.contains(&format!("ROLE \"{app}\"")) || server_log.contains(&format!("ROLE {app}")),
        "DDL is logged"
    );
    assert!(!server_log.contains(app_password), "the application password reached the server log");

    let env = vec![
        ("DB_HOST".into(), db.info.host.clone()),
        ("DB_PORT".into(), db.info.port.to_string()),
        ("DB_NAME".into(), db.name.clone()),
        ("DB_USERNAME".into(), app.clone()),
        ("DB_PASSWORD".into(), app_password.into()),
        ("DB_SSLMODE".into(), "verify-full".into()),
        ("DB_SSLROOTCERT".into(), db.info.ca_cert.display().to_string()),
        ("ADMIN_TOKEN".into(), ADMIN_TOKEN.into()),
    ];
    let api = spawn_with(Role::Api, env, Box::new(()), &[]).await;
    api.create_project(TestApp::project("before the rotation")).await;

    // RDS rotates the master secret: the API never used it, so its new connections still log in.
    db.info.psql("postgres", &format!("ALTER ROLE {master} PASSWORD 'master-password-2'"));
    db.info.psql(
        "postgres",
        &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{app}' AND state = 'idle'"),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..20 {
        json_with_status(api.get("/api/projects").await, 200).await;
    }
    let fresh = db.psql(&format!("SELECT count(*) FROM pg_stat_activity WHERE usename = '{app}'"));
    assert_ne!(fresh, "0", "the API opened new connections after the rotation");
    api.create_project(TestApp::project("after the rotation")).await;

    // The next deploy's migrate task reads the rotated secret.
    let again = migrate_as_master(&db, (&master, "master-password-2"), (&app, app_password));
    assert!(again.status.success(), "second migrate failed: {}", String::from_utf8_lossy(&again.stderr));
    assert!(String::from_utf8_lossy(&again.stdout).contains("\"outcome\":\"updated\""));
    assert_eq!(json_with_status(api.get("/api/projects").await, 200).await.as_array().map(Vec::len), Some(2));
    api.stop().await;
}

/// An RDS password may hold any of these; each must reach PostgreSQL as written, whether it
/// comes percent-encoded in `DATABASE_URL` (a raw `+` included: form decoding once made it a
/// space) or as it is in `DB_PASSWORD`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_with_plus_percent_at_slash_colon_and_non_ascii_log_in_by_url_and_by_db_password() {
    const PASSWORD: &str = "p+w%d@x/y:zä€";
    let db = TestDb::new();
    let role = format!("pw_{}", &db.name[2..14]);
    db.psql(&format!("CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'; ALTER DATABASE {} OWNER TO {role}", db.name));
    let info = &db.info;
    let tls = format!("sslmode=verify-full&sslrootcert={}", info.ca_cert.display());
    let urls = [
        format!("postgres://{role}:p%2Bw%25d%40x%2Fy%3Az%C3%A4%E2%82%AC@{}:{}/{}?{tls}", info.host, info.port, db.name),
        format!("postgres://{role}:p+w%25d%40x%2Fy%3Az%C3%A4%E2%82%AC@{}:{}/{}?{tls}", info.host, info.port, db.name),
    ];
    for url in urls {
        let app = spawn_with(Role::Api, env_for(url), Box::new(()), &[]).await;
        let health = json_with_status(app.get("/api/health").await, 200).await;
        assert_eq!(health["database"]["status"], "connected");
        app.stop().await;
    }
    let variables = [
        ("DB_HOST", info.host.clone()),
        ("DB_PORT", info.port.to_string()),
        ("DB_NAME", db.name.clone()),
        ("DB_USERNAME", role.clone()),
        ("DB_PASSWORD", PASSWORD.to_owned()),
        ("DB_SSLMODE", "verify-full".to_owned()),
        ("DB_SSLROOTCERT", info.ca_cert.display().to_string()),
    ];
    let env = variables.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let app = spawn_with(Role::Api, env, Box::new(()), &[]).await;
    let health = json_with_status(app.get("/api/health").await, 200).await;
    assert_eq!(health["database"]["status"], "connected");
    app.stop().await;
}
