//! The API over HTTP against the real server, on SQLite and on PostgreSQL: every status code,
//! every validation rule, authentication, headers and metrics.

use crate::common::{ADMIN_TOKEN, DatabaseKind, TestApp, json_with_status, spawn};
use reqwest::Method;
use serde_json::{Value, json};

async fn health_reports_the_service_and_its_database(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let body = json_with_status(app.get("/api/health").await, 200).await;
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["service"], "backend");
    assert_eq!(body["environment"], "test");
    assert_eq!(body["version"], folio::VERSION);
    assert!(body["uptime"].as_f64().is_some_and(|u| u >= 0.0));
    assert!(chrono_like(&body["timestamp"]), "{}", body["timestamp"]);
    let kind = if database == DatabaseKind::Postgres { "postgresql" } else { "sqlite" };
    assert_eq!(body["database"], json!({"status": "connected", "type": kind}));
}

async fn concurrent_health_checks_share_one_database_ping(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let checks = (0..50).map(|_| app.get("/api/health"));
    let statuses: Vec<u16> = futures::future::join_all(checks).await.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let metrics = app.get("/api/metrics").await.text().await.expect("body");
    let pings: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("db_queries_total{query_type=\"ping\",table=\"none\"} "))
        .expect("ping counter")
        .parse()
        .expect("number");
    // One ping per second at most; the burst may straddle one boundary.
    assert!((1.0..=2.0).contains(&pings), "{pings} pings for 50 health checks");
}

fn chrono_like(value: &Value) -> bool {
    value.as_str().is_some_and(|s| s.len() == 24 && s.ends_with('Z') && s.as_bytes()[10] == b'T')
}

async fn projects_go_through_their_whole_life(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    assert_eq!(json_with_status(app.get("/api/projects").await, 200).await, json!([]));

    let response = app.write(Method::POST, "/api/projects", &json!({
        "title": "Folio", "description": "This site", "technologies": ["Rust"], "githubUrl": "https://github.com/x/folio",
    })).await;
    let location = response.headers()["location"].to_str().expect("ascii").to_owned();
    let created = json_with_status(response, 201).await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(location, format!("/api/projects/{id}"));
    assert_eq!(created["isActive"], true);
    assert_eq!(created["sortOrder"], 0);
    assert_eq!(created["imageUrl"], Value::Null);

    assert_eq!(json_with_status(app.get(&location).await, 200).await, created);
    assert_eq!(json_with_status(app.get("/api/projects").await, 200).await, json!([created.clone()]));

    let updated =
        json_with_status(app.write(Method::PUT, &location, &json!({"sortOrder": 2, "githubUrl": null})).await, 200)
            .await;
    assert_eq!(
        (updated["sortOrder"].clone(), updated["githubUrl"].clone(), updated["title"].clone()),
        (json!(2), Value::Null, json!("Folio"))
    );

    let deleted = app.client.delete(app.url(&location)).bearer_auth(ADMIN_TOKEN).send().await.expect("delete");
    assert_eq!(deleted.status(), 204);
    assert!(deleted.text().await.expect("body").is_empty());
    json_with_status(app.get(&location).await, 404).await;
}

async fn every_validation_rule_answers_400_naming_the_field(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let long = |n: usize| "x".repeat(n);
    let cases: Vec<(Value, Value)> = vec![
        (json!({}), json!(["title is required", "description is required"])),
        (json!({"title": "", "description": "d"}), json!("title must not be empty")),
        (json!({"title": long(201), "description": "d"}), json!("title must be at most 200 characters, got 201")),
        (json!({"title": 1, "description": "d"}), json!("title must be a string, not a number")),
        (json!({"title": "t"}), json!("description is required")),
        (
            json!({"title": "t", "description": "d", "imageUrl": "ftp://x.example/a"}),
            json!("imageUrl must be an absolute http or https URL"),
        ),
        (
            json!({"title": "t", "description": "d", "projectUrl": "example.com"}),
            json!("projectUrl must be an absolute http or https URL"),
        ),
        (
            json!({"title": "t", "description": "d", "githubUrl": format!("https://github.com/{}", long(490))}),
            json!("githubUrl must be at most 500 characters, got 509"),
        ),
        (
            json!({"title": "t", "description": "d", "technologies": "Rust"}),
            json!("technologies must be an array of strings, not a string"),
        ),
        (
            json!({"title": "t", "description": "d", "technologies": ["Rust", 1]}),
            json!("technologies[1] must be a string, not a number"),
        ),
        (
            json!({"title": "t", "description": "d", "sortOrder": 1.5}),
            json!("sortOrder must be an integer, not a number"),
        ),
        (
            json!({"title": "t", "description": "d", "sortOrder": "1"}),
            json!("sortOrder must be an integer, not a string"),
        ),
        (
            json!({"title": "t", "description": "d", "sortOrder": 9_223_372_036_854_775_808_u64}),
            json!("sortOrder must be between -2147483648 and 2147483647, got 9223372036854775808"),
        ),
        (
            json!({"title": "t", "description": "d", "projectUrl": "https://example.com:0/"}),
            json!("projectUrl must be an absolute http or https URL"),
        ),
        (
            json!({"title": "t", "description": "d", "githubUrl": "https://github.com:99999/x"}),
            json!("githubUrl must be an absolute http or https URL"),
        ),
        (
            json!({"title": "t", "description": "d", "isActive": "yes"}),
            json!("isActive must be a boolean, not a string"),
        ),
        (json!({"title": "t", "description": "d", "colour": "red"}), json!("property colour should not exist")),
        (json!(["not", "an", "object"]), json!("request body must be a JSON object, not an array")),
    ];
    for (body, message) in cases {
        let answer = json_with_status(app.write(Method::POST, "/api/projects", &body).await, 400).await;
        assert_eq!(answer, json!({"statusCode": 400, "error": "Bad Request", "message": message}), "for {body}");
    }
    assert_eq!(json_with_status(app.get("/api/projects").await, 200).await, json!([]), "nothing was stored");
}

async fn malformed_bodies_get_400_413_and_415(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let post = |body: Vec<u8>, content_type: Option<&'static str>| {
        let mut request = app.client.post(app.url("/api/projects")).bearer_auth(ADMIN_TOKEN).body(body);
        if let Some(t) = content_type {
            request = request.header("content-type", t);
        }
        request.send()
    };
    let bad_json =
        json_with_status(post(b"{\"title\": ".to_vec(), Some("application/json")).await.expect("send"), 400).await;
    assert!(
        bad_json["message"].as_str().expect("message").starts_with("The request body is not valid JSON"),
        "{bad_json}"
    );
    let empty = json_with_status(post(Vec::new(), Some("application/json")).await.expect("send"), 400).await;
    assert_eq!(empty["message"], "The request body is empty: send a JSON object");
    let text = json_with_status(post(b"title=x".to_vec(), Some("text/plain")).await.expect("send"), 415).await;
    assert_eq!(text["message"], "Content-Type must be application/json (got \"text/plain\")");
    json_with_status(post(b"{}".to_vec(), None).await.expect("send"), 415).await;
    // Declared too large: answered from the headers alone (a client that goes on sending still
    // reads the answer: see `a_client_sending_a_whole_oversized_body_reads_its_413`).
    let head = format!(
        "POST /api/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        2 * 1024 * 1024
    );
    let answer = raw_exchange(app.address, head.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"error\":\"Payload Too Large\""), "{answer}");
    let charset =
        post(serde_json::to_vec(&TestApp::project("utf8")).expect("json"), Some("application/json; charset=utf-8"));
    assert_eq!(charset.await.expect("send").status(), 201);
}

/// Clients that send the whole body before reading the answer (Python's urllib, for one) used
/// to get a broken pipe instead of the 413: the connection was closed with the body unread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_a_whole_oversized_body_reads_its_413() {
    use std::io::{Read, Write};
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let address = app.address;
    for mib in [2, 8, 2, 8, 2, 8] {
        let answer = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).expect("connect");
            stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
            let body = vec![b' '; mib << 20];
            write!(
                stream,
                "POST /api/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .expect("send the head");
            stream.write_all(&body).map_err(|e| format!("sending the body: {e}"))?;
            let mut answer = String::new();
            stream.read_to_string(&mut answer).map_err(|e| format!("reading the answer: {e}"))?;
            Ok::<_, String>(answer)
        })
        .await
        .expect("client thread")
        .unwrap_or_else(|e| panic!("{mib} MiB: {e}"));
        assert!(answer.starts_with("HTTP/1.1 413"), "{mib} MiB: {answer}");
    }
    json_with_status(app.get("/api/projects").await, 200).await;
}

/// Sends raw bytes and reads whatever comes back until the server closes or goes quiet.
async fn raw_exchange(address: std::net::SocketAddr, bytes: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    stream.write_all(bytes).await.expect("send");
    let mut answer = vec![0; 64 * 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer)).await;
    let n = read.expect("an answer within 5 s").expect("read");
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

async fn ids_must_be_uuids_and_unknown_ones_are_404(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let bad = json_with_status(app.get("/api/projects/not-a-uuid").await, 400).await;
    assert_eq!(bad["message"], "id must be a UUID, got \"not-a-uuid\"");
    let unknown = "6f9619ff-8b86-4011-b42d-00c04fc964ff";
    let missing = json_with_status(app.get(&format!("/api/projects/{unknown}")).await, 404).await;
    assert_eq!(
        missing,
        json!({"statusCode": 404, "error": "Not Found", "message": format!("Project with ID {unknown} not found")})
    );
    json_with_status(app.write(Method::PUT, &format!("/api/projects/{unknown}"), &json!({"title": "x"})).await, 404)
        .await;
    let delete = app
        .client
        .delete(app.url(&format!("/api/projects/{unknown}")))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .expect("delete");
    assert_eq!(delete.status(), 404);
    json_with_status(app.write(Method::PUT, "/api/projects/123", &json!({"title": "x"})).await, 400).await;
}

async fn writes_need_the_admin_token(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let body = TestApp::project("guarded");
    let none = app.client.post(app.url("/api/projects")).json(&body).send().await.expect("send");
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        json_with_status(none, 401).await["message"],
        "Missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>"
    );
    let wrong =
        app.client.post(app.url("/api/projects")).bearer_auth("x".repeat(48)).json(&body).send().await.expect("send");
    assert_eq!(json_with_status(wrong, 401).await["message"], "Invalid bearer token");
    let unknown = "/api/projects/6f9619ff-8b86-4011-b42d-00c04fc964ff";
    assert_eq!(app.client.put(app.url(unknown)).json(&body).send().await.expect("send").status(), 401);
    assert_eq!(app.client.delete(app.url(unknown)).send().await.expect("send").status(), 401);
    assert_eq!(json_with_status(app.get("/api/projects").await, 200).await, json!([]), "nothing was written");
    app.create_project(body).await;
    // The scheme's name is case-insensitive (RFC 9110).
    for scheme in ["bearer", "BEARER"] {
        let request =
            app.client.post(app.url("/api/projects")).header("authorization", format!("{scheme} {ADMIN_TOKEN}"));
        let response = request.json(&TestApp::project(scheme)).send().await.expect("send");
        assert_eq!(response.status(), 201, "{scheme}");
    }
}

async fn without_a_token_writes_are_refused_with_how_to_enable_them(database: DatabaseKind) {
    let (env, db) = crate::common::fresh_database(database);
    let app = crate::common::spawn_with(folio::config::Role::Api, env, db, &[]).await;
    let refused = app
        .client
        .post(app.url("/api/projects"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&TestApp::project("x"))
        .send()
        .await
        .expect("send");
    assert_eq!(
        json_with_status(refused, 403).await["message"],
        "Writes are disabled on this server: set ADMIN_TOKEN to enable them"
    );
    json_with_status(app.get("/api/projects").await, 200).await;
}

async fn unknown_paths_and_methods_get_json_errors(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let missing = json_with_status(app.get("/api/nothing/here").await, 404).await;
    assert_eq!(missing["message"], "Cannot GET /api/nothing/here");
    json_with_status(app.get("/elsewhere").await, 404).await;
    let patch = app.client.patch(app.url("/api/projects")).send().await.expect("send");
    let allow = patch.headers()["allow"].to_str().expect("ascii").to_owned();
    assert_eq!(allow, "GET,HEAD,POST");
    assert_eq!(
        json_with_status(patch, 405).await["message"],
        "This method is not allowed here; the Allow header lists the methods this path serves"
    );
    let post_unknown = app.client.post(app.url("/api/nothing")).send().await.expect("send");
    assert_eq!(json_with_status(post_unknown, 404).await["message"], "Cannot POST /api/nothing");
}

async fn responses_carry_a_request_id_and_security_headers(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let echoed = app.client.get(app.url("/api/projects")).header("x-request-id", "abc-123").send().await.expect("send");
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
    let generated = app
        .client
        .get(app.url("/api/projects"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .expect("send");
    let id = generated.headers()["x-request-id"].to_str().expect("ascii");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
        // The project list is the one API read the edge may keep (tests/edge.rs).
        ("cache-control", folio::edge_cache::EDGE_POLICY),
    ] {
        assert_eq!(generated.headers()[name], value, "{name}");
    }
}

async fn cors_allows_only_the_configured_origins(database: DatabaseKind) {
    let app = spawn(database, &[("CORS_ORIGINS", "https://site.example")]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, app.url("/api/projects"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let allowed = preflight("https://site.example").await.expect("send");
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://site.example");
    let other = preflight("https://evil.example").await.expect("send");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

async fn metrics_use_the_dashboard_names_and_route_templates(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let created = app.create_project(TestApp::project("measured")).await;
    app.get(&format!("/api/projects/{}", created["id"].as_str().expect("id"))).await;
    app.get("/api/projects/6f9619ff-8b86-4011-b42d-00c04fc964ff").await;
    app.get("/api/health").await;
    let response = app.get("/api/metrics").await;
    assert_eq!(response.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    let text = response.text().await.expect("body");
    for needle in [
        "backend_uptime_seconds ",
        "backend_info{environment=\"test\",version=\"",
        "http_requests_total{method=\"GET\",route=\"/api/projects/{id}\",status_code=\"200\"} 1",
        "http_requests_total{method=\"GET\",route=\"/api/projects/{id}\",status_code=\"404\"} 1",
        "http_requests_total{method=\"POST\",route=\"/api/projects\",status_code=\"201\"} 1",
        "http_request_errors_total{error_type=\"not_found\",method=\"GET\",route=\"/api/projects/{id}\",status_code=\"404\"} 1",
        "http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/health\",status_code=\"200\",le=\"0.001\"}",
        "db_queries_total{query_type=\"insert\",table=\"projects\"} 1",
        // The create reads the slugs in use once; then the two GETs.
        "db_queries_total{query_type=\"select\",table=\"projects\"} 3",
        "db_query_duration_seconds_count{query_type=\"ping\",table=\"none\"} 1",
        "process_resident_memory_bytes ",
        "process_open_fds ",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains("6f9619ff"), "a raw path became a label");
    assert!(!text.contains("route=\"/api/metrics\""), "the metrics endpoint measures itself");
}

async fn pools_reachability_and_the_runtime_are_measured(database: DatabaseKind) {
    let app = spawn(database, &[("DB_POOL_MAX", "3")]).await;
    json_with_status(app.get("/api/health").await, 200).await;
    json_with_status(app.get("/api/projects").await, 200).await;
    let text = app.get("/api/metrics").await.text().await.expect("body");
    let requests_max = if database == DatabaseKind::Postgres { "3" } else { "4" };
    for needle in [
        "db_up 1".to_owned(),
        format!("db_pool_max_connections{{pool=\"requests\"}} {requests_max}"),
        "db_pool_max_connections{pool=\"health\"} 1".to_owned(),
        "db_pool_connections{pool=\"health\",state=\"idle\"} 1".to_owned(),
        "db_pool_connections{pool=\"health\",state=\"in_use\"} 0".to_owned(),
        "db_pool_waiting{pool=\"requests\"} 0".to_owned(),
        "db_pool_acquire_duration_seconds_count{pool=\"health\"} 1".to_owned(),
        "db_pool_acquire_timeouts_total{pool=\"requests\"} 0".to_owned(),
        "tokio_workers ".to_owned(),
        "tokio_alive_tasks ".to_owned(),
        "tokio_worker_busy_seconds_total ".to_owned(),
    ] {
        assert!(text.contains(&needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains("contact_outbox_messages"), "without SMTP_URL no outbox figures are made up");
}

async fn admin_requests_are_rate_limited_per_client_before_the_token_is_checked(database: DatabaseKind) {
    let app = spawn(database, &[("ADMIN_RATE_LIMIT_PER_MINUTE", "2")]).await;
    let guess =
        || app.client.post(app.url("/api/projects")).bearer_auth("y".repeat(40)).json(&TestApp::project("x")).send();
    assert_eq!(guess().await.expect("send").status(), 401);
    assert_eq!(guess().await.expect("send").status(), 401);
    let limited = guess().await.expect("send");
    assert_eq!(limited.headers()["retry-after"], "30");
    let body = json_with_status(limited, 429).await;
    assert_eq!(body["message"], "Too many requests from your address; try again in 30 seconds");
    let right = app.write(Method::POST, "/api/projects", &TestApp::project("late")).await;
    assert_eq!(right.status(), 429, "the right token does not skip the limit");
    json_with_status(app.get("/api/projects").await, 200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_requests_from_one_ipv6_64_share_one_limit() {
    let app =
        spawn(DatabaseKind::Sqlite, &[("ADMIN_RATE_LIMIT_PER_MINUTE", "10"), ("TRUSTED_PROXIES", "127.0.0.1/32")])
            .await;
    let mut limited = 0;
    for i in 1..=200 {
        let response = app
            .client
            .get(app.url("/api/contact-messages"))
            .bearer_auth(ADMIN_TOKEN)
            .header("x-forwarded-for", format!("2001:db8:7:7::{i:x}"))
            .send()
            .await
            .expect("send");
        limited += usize::from(response.status() == 429);
    }
    eprintln!("admin requests limited of 200 from one IPv6 /64, limit 10 per minute: {limited}");
    // One token comes back every 6 s; the loop takes far less, but allow for a slow machine.
    assert!(limited >= 185, "{limited} of 200 limited");
}

async fn the_openapi_document_is_served(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let doc = json_with_status(app.get("/api/openapi.json").await, 200).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/projects/{id}"]["put"]["requestBody"].is_object());
}

on_both_databases!(
    admin_requests_are_rate_limited_per_client_before_the_token_is_checked,
    the_openapi_document_is_served,
    health_reports_the_service_and_its_database,
    concurrent_health_checks_share_one_database_ping,
    projects_go_through_their_whole_life,
    every_validation_rule_answers_400_naming_the_field,
    malformed_bodies_get_400_413_and_415,
    ids_must_be_uuids_and_unknown_ones_are_404,
    writes_need_the_admin_token,
    without_a_token_writes_are_refused_with_how_to_enable_them,
    unknown_paths_and_methods_get_json_errors,
    responses_carry_a_request_id_and_security_headers,
    cors_allows_only_the_configured_origins,
    metrics_use_the_dashboard_names_and_route_templates,
    pools_reachability_and_the_runtime_are_measured,
);
