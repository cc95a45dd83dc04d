//! Hostile input and abuse: slow clients, oversized heads, injection strings, slow queries
//! past the request time limit, and secrets kept out of every log line.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::{ADMIN_TOKEN, DatabaseKind, FOLIO, TestApp, json_with_status, spawn, spawn_with};
use folio::config::Role;
use folio_testkit::{Launch, PgCluster, TestDb};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_headers_slowly_is_cut_off_and_others_are_served() {
    let app = spawn(DatabaseKind::Sqlite, &[("HTTP_IDLE_TIMEOUT_SECONDS", "1")]).await;
    let address = app.address;
    let slow = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(address).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        stream.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n").expect("write");
        let started = Instant::now();
        // One header line every 300 ms: never finishing the head.
        for i in 0..30 {
            std::thread::sleep(Duration::from_millis(300));
            if stream.write_all(format!("X-Slow-{i}: yes\r\n").as_bytes()).is_err() {
                break;
            }
        }
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        (started.elapsed(), String::from_utf8_lossy(&rest).into_owned())
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    json_with_status(app.get("/api/health").await, 200).await;
    let (held, answer) = slow.await.expect("slow client");
    assert!(held < Duration::from_secs(4), "a slow client held its connection for {held:?}");
    assert!(!answer.contains("200 OK"), "the slow request was served: {answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_head_gets_431() {
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let big = "a".repeat(100 * 1024);
    let response = app.client.get(app.url("/api/health")).header("x-big", big).send().await.expect("send");
    assert_eq!(response.status(), 431);
    json_with_status(app.get("/api/health").await, 200).await;
}

async fn injection_strings_are_stored_and_returned_verbatim(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let nasty = [
        "'; DROP TABLE projects; --",
        "\" OR \"1\"=\"1",
        "Robert'); DELETE FROM contact_messages WHERE ('1'='1",
        "$1 $$ \\x00 %s %n {{7*7}} ${7*7}",
    ];
    for text in nasty {
        let created = app.create_project(json!({"title": text, "description": text, "technologies": [text]})).await;
        let read =
            json_with_status(app.get(&format!("/api/projects/{}", created["id"].as_str().expect("id"))).await, 200)
                .await;
        assert_eq!((read["title"].as_str(), read["description"].as_str()), (Some(text), Some(text)));
        assert_eq!(read["technologies"], json!([text]));
    }
    let listed = json_with_status(app.get("/api/projects").await, 200).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(nasty.len()), "the table is intact");
}

on_both_databases!(injection_strings_are_stored_and_returned_verbatim);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_time_limit_gets_503_while_the_query_is_still_blocked() {
    let cluster = PgCluster::start();
    let env = vec![
        ("DATABASE_URL".to_owned(), cluster.info().url("postgres")),
        ("ADMIN_TOKEN".to_owned(), ADMIN_TOKEN.to_owned()),
    ];
    let app = spawn_with(
        Role::Api,
        env,
        Box::new(()),
        &[("REQUEST_TIMEOUT_SECONDS", "1"), ("DB_STATEMENT_TIMEOUT_SECONDS", "30")],
    )
    .await;
    app.create_project(TestApp::project("locked")).await;
    let info = cluster.info().clone();
    let locker = std::thread::spawn(move || {
        info.psql("postgres", "BEGIN; LOCK TABLE projects IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;")
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let answer = json_with_status(app.get("/api/projects").await, 503).await;
    assert!(started.elapsed() < Duration::from_millis(2500), "took {:?}", started.elapsed());
    assert_eq!(answer["message"], "The request took longer than 1 s");
    locker.join().expect("locker");
    json_with_status(app.get("/api/projects").await, 200).await;
}

/// A 507 or 500 used to pass the database's own words (a file's path, PostgreSQL's message) to
/// anonymous clients; only development may show them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_development_a_storage_failure_keeps_the_databases_words_to_the_log() {
    let db = TestDb::new();
    let env =
        || vec![("DATABASE_URL".to_owned(), db.info.url(&db.name)), ("ADMIN_TOKEN".to_owned(), ADMIN_TOKEN.to_owned())];
    let production = spawn_with(Role::Api, env(), Box::new(()), &[]).await;
    let development = spawn_with(Role::Api, env(), Box::new(()), &[("APP_ENV", "development")]).await;
    db.psql(&format!(
        "ALTER DATABASE {0} SET default_transaction_read_only = on; \
         SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{0}' AND pid <> pg_backend_pid()",
        db.name
    ));
    let refused = |app: &TestApp| {
        let app_url = app.url("/api/projects");
        let client = app.client.clone();
        async move {
            // The first write after the terminated sessions may meet a closed connection (503).
            for _ in 0..20 {
                let response = client
                    .post(&app_url)
                    .bearer_auth(ADMIN_TOKEN)
                    .json(&TestApp::project("x"))
                    .send()
                    .await
                    .expect("send");
                if response.status() != 503 {
                    return json_with_status(response, 507).await;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("still 503 after 20 tries");
        }
    };
    let generic = refused(&production).await;
    assert_eq!(
        generic["message"],
        "The database cannot store data right now (its disk is full or read-only); nothing was changed"
    );
    let detailed = refused(&development).await;
    let detailed = detailed["message"].as_str().expect("message");
    assert!(detailed.contains("cannot execute INSERT in a read-only transaction"), "{detailed}");
}

#[test]
fn no_token_or_password_appears_in_any_log_line() {
    let cluster = PgCluster::start();
    let info = cluster.info().clone();
    let token = "log-scan-token-0123456789abcdef0123456789abcdef";
    let mut server = Launch::bare(FOLIO, "api")
        .envs([
            ("APP_ENV", "production"),
            ("ALLOW_DEMO_CONTENT", "true"),
            ("RUST_LOG", "debug"),
            ("ADMIN_TOKEN", token),
            ("DATABASE_URL", info.url("postgres").as_str()),
        ])
        .start();
    let client = reqwest::blocking::Client::new();
    let url = |path: &str| server.url(path);
    let post = |auth: &str| {
        client
            .post(url("/api/projects"))
            .header("authorization", auth)
            .json(&json!({"title": "t", "description": "d"}))
            .send()
    };
    assert_eq!(post(&format!("Bearer {token}")).expect("send").status(), 201);
    assert_eq!(post(&format!("Bearer {token}-wrong")).expect("send").status(), 401);
    assert_eq!(post(&format!("Basic {token}")).expect("send").status(), 401);
    cluster.stop();
    assert_eq!(client.get(url("/api/projects")).send().expect("send").status(), 503);
    // The launcher's own health checks left an answer that is reused for a moment.
    std::thread::sleep(folio_core::use_cases::health::FRESH);
    assert_eq!(client.get(url("/api/health")).send().expect("send").status(), 503);
    server.stop();
    let mut log: Vec<String> = server.log().lines().map(str::to_owned).collect();
    log.extend(server.stderr().lines().map(str::to_owned));
    assert!(log.len() > 5, "the scan needs log lines to scan: {log:?}");
    assert!(log.iter().any(|l| l.contains("storage failure")), "the database errors were logged");
    for line in &log {
        assert!(!line.contains(token), "the admin token leaked: {line}");
        assert!(!line.contains(&info.password), "the database password leaked: {line}");
    }
}

/// The lines of a Prometheus exposition that are samples (not `#` comments).
fn series(exposition: &str) -> usize {
    exposition.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).count()
}

/// Sends `request` as it is on a connection of its own and returns the answer's status line.
fn status_line(address: std::net::SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

/// Sends one request with a made-up method and returns the status line.
fn invented_method(address: std::net::SocketAddr, method: &str, path: &str) -> String {
    status_line(address, &format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
}

/// RFC 9112: an HTTP/1.1 request without a Host header, or any with two or a malformed one, is
/// answered 400 (all were served before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_exactly_one_valid_host_header_gets_400() {
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let address = app.address;
    let cases = [
        ("", "HTTP/1.1", "400"),
        ("Host: a\r\nHost: b\r\n", "HTTP/1.1", "400"),
        ("Host: a b\r\n", "HTTP/1.1", "400"),
        ("Host: user@example.com\r\n", "HTTP/1.1", "400"),
        ("Host: a\r\nHost: b\r\n", "HTTP/1.0", "400"),
        ("Host: localhost:3000\r\n", "HTTP/1.1", "200"),
        ("Host: [::1]:3000\r\n", "HTTP/1.1", "200"),
        ("", "HTTP/1.0", "200"),
    ];
    for (headers, version, status) in cases {
        let request = format!("GET /api/health {version}\r\n{headers}Connection: close\r\n\r\n");
        let line = tokio::task::spawn_blocking(move || status_line(address, &request)).await.expect("client");
        assert!(line.split(' ').nth(1) == Some(status), "{version} with {headers:?}: {line}");
    }
}

/// Every new method name used to become a permanent series in three metric families (500
/// requests with 10 KB names grew `/api/metrics` from 1.5 KB to 80 MB and RSS past 240 MB).
/// Methods outside the standard ones are counted as `OTHER`, in the API's and the site's
/// metrics and in the request's log span.
#[test]
fn invented_methods_do_not_grow_the_metrics_or_the_memory() {
    let server = crate::common::start_process("serve", &[]);
    let client = reqwest::blocking::Client::new();
    let scrape = || client.get(server.url("/api/metrics")).send().expect("scrape").text().expect("body");
    for path in ["/api/projects", "/about", "/nothing"] {
        client.get(server.url(path)).send().expect("warm up");
    }
    let padding = "A".repeat(10_000);
    let mut rounds = vec![(scrape(), server.rss_bytes())];
    for round in 0..2 {
        for i in 0..500 {
            let path = ["/api/projects", "/about", "/nothing/here"][i % 3];
            let status = invented_method(server.address, &format!("X{round}{i:04}{padding}"), path);
            assert!(status.starts_with("HTTP/1.1 4"), "{path}: {status}");
        }
        rounds.push((scrape(), server.rss_bytes()));
    }
    let shown: Vec<String> = rounds
        .iter()
        .map(|(text, rss)| {
            format!("{} series, {} bytes, RSS {:.1} MiB", series(text), text.len(), *rss as f64 / 1048576.0)
        })
        .collect();
    eprintln!(
        "/api/metrics and RSS at start, after 500 and after 1,000 requests with 10 KB invented methods: {}",
        shown.join(" | ")
    );
    let [(start, rss_start), (first, rss_first), (second, rss_second)] = &rounds[..] else {
        unreachable!("three scrapes")
    };
    assert!(first.contains("method=\"OTHER\""), "invented methods are counted as OTHER:\n{first}");
    assert!(!first.contains(&padding[..100]), "an invented method became a label");
    // The first round adds the OTHER series of three routes; the second adds none.
    assert!(series(first) <= series(start) + 60, "{} -> {} series", series(start), series(first));
    assert_eq!(series(second), series(first), "the set of series is closed");
    assert!(second.len() < start.len() + 16 * 1024, "{} -> {} bytes", start.len(), second.len());
    assert!(*rss_first < rss_start + 32 * 1024 * 1024, "RSS {rss_start} -> {rss_first} bytes");
    assert!(*rss_second < rss_first + 16 * 1024 * 1024, "RSS {rss_first} -> {rss_second} bytes");
}
