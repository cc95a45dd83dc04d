//! The contact API: validation, the honeypot, per-client rate limits (and forged
//! X-Forwarded-For, IPv6 networks, mapped addresses), the global budget and the cap on unread
//! messages, the admin listing, and delivery through the outbox to an SMTP sink, including a
//! mail server that is down and comes back and a flood that must not become a flood of e-mails.

use std::time::{Duration, Instant};

use crate::common::{ADMIN_TOKEN, DatabaseKind, TestApp, json_with_status, spawn};
use folio_testkit::SmtpSink;
use serde_json::{Value, json};

fn message(subject: &str) -> Value {
    json!({"name": "Ada Lovelace", "email": "ada@example.org", "subject": subject, "message": "I would like to talk about a project."})
}

async fn a_message_is_stored_and_listed_for_the_admin_only(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let answer = json_with_status(
        app.client.post(app.url("/api/contact")).json(&message("Hello")).send().await.expect("send"),
        201,
    )
    .await;
    assert_eq!(answer["success"], true);
    assert!(answer["message"].as_str().is_some_and(|m| m.starts_with("Thank you")));
    assert_eq!(answer["notified"], "inbox", "no SMTP: the message waits in the inbox");

    let anonymous = app.client.get(app.url("/api/contact-messages")).send().await.expect("send");
    assert_eq!(anonymous.status(), 401);
    let listed = app.client.get(app.url("/api/contact-messages")).bearer_auth(ADMIN_TOKEN).send().await.expect("send");
    let listed = json_with_status(listed, 200).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["subject"], "Hello");
    assert_eq!(listed[0]["delivery"]["state"], "pending", "no mail server is configured");
}

async fn invalid_messages_are_refused_field_by_field(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let body = json!({"name": "", "email": "not-an-address", "subject": "s", "message": "short"});
    let answer =
        json_with_status(app.client.post(app.url("/api/contact")).json(&body).send().await.expect("send"), 400).await;
    assert_eq!(
        answer["message"],
        json!([
            "name must not be empty",
            "message must be at least 10 characters, got 5",
            "email must be a valid e-mail address"
        ])
    );
    let listed = app.client.get(app.url("/api/contact-messages")).bearer_auth(ADMIN_TOKEN).send().await.expect("send");
    assert_eq!(json_with_status(listed, 200).await, json!([]));
}

async fn a_filled_honeypot_gets_the_same_answer_and_nothing_is_stored(database: DatabaseKind) {
    let app = spawn(database, &[]).await;
    let mut body = message("Buy now");
    body["website"] = json!("http://spam.example");
    json_with_status(app.client.post(app.url("/api/contact")).json(&body).send().await.expect("send"), 201).await;
    let listed = app.client.get(app.url("/api/contact-messages")).bearer_auth(ADMIN_TOKEN).send().await.expect("send");
    assert_eq!(json_with_status(listed, 200).await, json!([]));
}

async fn each_client_is_rate_limited_and_a_forged_forwarded_for_does_not_help(database: DatabaseKind) {
    let app = spawn(database, &[("CONTACT_RATE_LIMIT_PER_HOUR", "2")]).await;
    let post = |forged: &'static str| {
        app.client.post(app.url("/api/contact")).header("x-forwarded-for", forged).json(&message("again")).send()
    };
    assert_eq!(post("198.51.100.1").await.expect("send").status(), 201);
    assert_eq!(post("198.51.100.2").await.expect("send").status(), 201);
    let limited = post("198.51.100.3").await.expect("send");
    let retry_after: u64 = limited.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1700..=1800).contains(&retry_after), "{retry_after}");
    let answer = json_with_status(limited, 429).await;
    assert_eq!(answer["error"], "Too Many Requests");
    assert!(
        answer["message"].as_str().is_some_and(|m| m.starts_with("Too many messages from your address; try again in"))
    );
}

async fn behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for(database: DatabaseKind) {
    let app = spawn(database, &[("CONTACT_RATE_LIMIT_PER_HOUR", "1"), ("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let post = |client: &'static str| {
        app.client.post(app.url("/api/contact")).header("x-forwarded-for", client).json(&message("proxied")).send()
    };
    assert_eq!(post("198.51.100.1").await.expect("send").status(), 201);
    assert_eq!(post("198.51.100.1").await.expect("send").status(), 429);
    assert_eq!(post("198.51.100.2").await.expect("send").status(), 201, "another client behind the same proxy");
    assert_eq!(post("6.6.6.6, 198.51.100.1").await.expect("send").status(), 429, "a forged leftmost entry is ignored");
}

async fn notifications_reach_the_mail_server_and_survive_it_being_down(database: DatabaseKind) {
    let mut sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn(
        database,
        &[
            ("SMTP_URL", url.as_str()),
            ("CONTACT_TO", "Owner <owner@folio.test>"),
            ("CONTACT_FROM", "Folio <noreply@folio.test>"),
            ("CONTACT_RETRY_BASE_SECONDS", "0.2"),
            // The test polls the admin listing many times a second.
            ("ADMIN_RATE_LIMIT_PER_MINUTE", "100000"),
        ],
    )
    .await;
    let states = || async {
        let listed =
            app.client.get(app.url("/api/contact-messages")).bearer_auth(ADMIN_TOKEN).send().await.expect("send");
        let listed = json_with_status(listed, 200).await;
        listed
            .as_array()
            .expect("array")
            .iter()
            .map(|m| m["delivery"]["state"].as_str().unwrap_or("?").to_owned())
            .collect::<Vec<_>>()
    };
    let wait_until_sent = |count: usize| {
        let states = &states;
        async move {
            let started = Instant::now();
            loop {
                let now = states().await;
                if now.len() == count && now.iter().all(|s| s == "sent") {
                    return;
                }
                assert!(started.elapsed() < Duration::from_secs(10), "not all sent within 10 s: {now:?}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };

    let answer = json_with_status(
        app.client.post(app.url("/api/contact")).json(&message("first")).send().await.expect("send"),
        201,
    )
    .await;
    assert_eq!(answer["notified"], "email");
    wait_until_sent(1).await;
    assert_eq!(sink.received().len(), 1);

    sink.stop().await;
    for subject in ["while down 1", "while down 2"] {
        json_with_status(
            app.client.post(app.url("/api/contact")).json(&message(subject)).send().await.expect("send"),
            201,
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let during = states().await;
    assert_eq!(during.iter().filter(|s| *s == "pending").count(), 2, "{during:?}");

    sink.restart().await;
    wait_until_sent(3).await;
    let subjects: Vec<String> = sink
        .received()
        .iter()
        .filter_map(|m| m.data.lines().find(|l| l.starts_with("Subject:")).map(str::to_owned))
        .collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
}

/// Posts `body` as sent by `client` through the trusted proxy on 127.0.0.1.
async fn post_from(app: &TestApp, client: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url("/api/contact")).header("x-forwarded-for", client).json(body).send().await.expect("send")
}

async fn listed(app: &TestApp) -> Vec<Value> {
    let listed = app
        .client
        .get(app.url("/api/contact-messages?limit=1000"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .expect("send");
    json_with_status(listed, 200).await.as_array().expect("array").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_clients_are_limited_per_64_and_a_mapped_ipv4_address_is_the_same_client() {
    let app =
        spawn(DatabaseKind::Sqlite, &[("CONTACT_RATE_LIMIT_PER_HOUR", "5"), ("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let mut accepted = 0;
    for i in 1..=20 {
        let status = post_from(&app, &format!("2001:db8:1:2::{i:x}"), &message("one network")).await.status();
        assert!(status == 201 || status == 429, "{status}");
        accepted += usize::from(status == 201);
    }
    eprintln!("contact messages accepted from 20 addresses of one IPv6 /64, limit 5 per client: {accepted}");
    assert_eq!(accepted, 5, "one /64 is one client");
    assert_eq!(post_from(&app, "2001:db8:1:3::1", &message("next network")).await.status(), 201);

    let mut accepted = 0;
    for client in ["::ffff:192.0.2.50", "192.0.2.50"].repeat(3) {
        accepted += usize::from(post_from(&app, client, &message("mapped")).await.status() == 201);
    }
    assert_eq!(accepted, 5, "::ffff:192.0.2.50 and 192.0.2.50 are one client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_global_budget_messages_are_refused_with_503_and_a_clear_reason() {
    let app =
        spawn(DatabaseKind::Sqlite, &[("CONTACT_GLOBAL_LIMIT_PER_HOUR", "10"), ("TRUSTED_PROXIES", "127.0.0.1/32")])
            .await;
    let mut accepted = 0;
    let mut refusal = None;
    for i in 1..=30 {
        let response = post_from(&app, &format!("198.51.100.{i}"), &message("from everywhere")).await;
        match response.status().as_u16() {
            201 => accepted += 1,
            503 => refusal = Some((response.headers().contains_key("retry-after"), response.text().await)),
            other => panic!("unexpected {other}"),
        }
    }
    eprintln!("contact messages accepted from 30 different clients, global budget 10 per hour: {accepted}");
    assert_eq!(accepted, 10);
    let (retry_after, body) = refusal.expect("some were refused");
    assert!(retry_after, "a refusal says when to come back");
    let body: Value = serde_json::from_str(&body.expect("body")).expect("JSON");
    assert!(
        body["message"].as_str().is_some_and(|m| m.starts_with("The contact form is receiving too many messages")),
        "{body}"
    );
    assert_eq!(listed(&app).await.len(), 10, "exactly the accepted messages are stored");
}

async fn past_the_unread_cap_messages_are_refused_until_the_owner_reads_some(database: DatabaseKind) {
    let app = spawn(database, &[("CONTACT_MAX_UNREAD", "3"), ("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    for i in 1..=3 {
        json_with_status(post_from(&app, &format!("198.51.100.{i}"), &message(&format!("m{i}"))).await, 201).await;
    }
    let full = json_with_status(post_from(&app, "198.51.100.4", &message("m4")).await, 503).await;
    assert_eq!(
        full["message"],
        "The inbox holds 3 unread messages, as many as it keeps: no more are accepted until the owner reads some; \
         please write again later"
    );
    let kept = listed(&app).await;
    assert_eq!(kept.len(), 3, "nothing stored is dropped");
    assert!(kept.iter().all(|m| m["readAt"].is_null()), "{kept:?}");

    let oldest = kept.last().expect("three")["id"].clone();
    let read = app.write(reqwest::Method::POST, "/api/contact-messages/read", &json!({"ids": [oldest]})).await;
    assert_eq!(json_with_status(read, 200).await, json!({"marked": 1}));
    json_with_status(post_from(&app, "198.51.100.5", &message("m5")).await, 201).await;
    let kept = listed(&app).await;
    assert_eq!(kept.len(), 4);
    assert!(kept.iter().find(|m| m["id"] == oldest).is_some_and(|m| m["readAt"].is_string()), "{kept:?}");
    json_with_status(post_from(&app, "198.51.100.6", &message("m6")).await, 503).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_many_networks_is_bounded_in_messages_and_in_e_mails() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn(
        DatabaseKind::Sqlite,
        &[
            ("SMTP_URL", url.as_str()),
            ("CONTACT_TO", "Owner <owner@folio.test>"),
            ("CONTACT_FROM", "Folio <noreply@folio.test>"),
            ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await;
    let mut body = message("flood");
    body["message"] = json!("x".repeat(5000));
    let started = Instant::now();
    let mut accepted = 0;
    for i in 1..=500 {
        accepted += usize::from(post_from(&app, &format!("2001:db8:{i:x}::1"), &body).await.status() == 201);
    }
    let sending = started.elapsed();
    // Let the outbox do what it will with them.
    let mut quiet_since = Instant::now();
    let mut seen = 0;
    while quiet_since.elapsed() < Duration::from_secs(1) && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = sink.received().len();
        if now != seen {
            (seen, quiet_since) = (now, Instant::now());
        }
    }
    let stored = listed(&app).await;
    let e_mails = sink.received();
    eprintln!(
        "500 five-KB messages from 500 IPv6 networks in {sending:.1?}, default limits: {accepted} accepted, \
         {} stored, {} e-mails to the owner",
        stored.len(),
        e_mails.len()
    );
    assert!(accepted <= 30, "the default global budget is 30 an hour: {accepted} accepted");
    assert_eq!(stored.len(), accepted);
    assert!(e_mails.len() <= 10, "the default is at most 10 e-mails an hour: {} sent", e_mails.len());
    for message in &stored {
        let (id, state) = (message["id"].as_str().expect("id"), message["delivery"]["state"].as_str());
        match state {
            Some("sent") => assert!(e_mails.iter().any(|m| m.data.contains(id)), "{id} sent in no e-mail"),
            Some("pending") => {}
            other => panic!("{id} is {other:?}"),
        }
    }
}

/// Log fields are JSON values, absent when empty: `retry_at` was `"Some(\"2026-…\")"`.
#[test]
fn a_failed_notification_logs_when_it_is_retried_as_a_timestamp_and_nothing_when_it_is_not() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address");
    let smtp = format!("smtp://{closed}");
    let failure = |max_attempts: &str| {
        let server = crate::common::start_process(
            "api",
            &[
                ("SMTP_URL", &smtp),
                ("CONTACT_TO", "Owner <owner@folio.test>"),
                ("CONTACT_FROM", "Folio <noreply@folio.test>"),
                ("CONTACT_MAX_ATTEMPTS", max_attempts),
            ],
        );
        let sent = reqwest::blocking::Client::new().post(server.url("/api/contact")).json(&message("logged")).send();
        assert_eq!(sent.expect("send").status(), 201);
        let line = server.wait_for_log(|l| l.contains("\"contact notification failed\""));
        serde_json::from_str::<Value>(&line).expect("a JSON log line")
    };
    let retried = failure("2");
    let retry_at = retried["retry_at"].as_str().expect("retry_at is a string");
    assert!(retry_at.starts_with("20") && retry_at.ends_with('Z'), "{retry_at}");
    let abandoned = failure("1");
    assert!(abandoned.get("retry_at").is_none(), "no retry, no field: {abandoned}");
}

on_both_databases!(
    a_message_is_stored_and_listed_for_the_admin_only,
    invalid_messages_are_refused_field_by_field,
    a_filled_honeypot_gets_the_same_answer_and_nothing_is_stored,
    each_client_is_rate_limited_and_a_forged_forwarded_for_does_not_help,
    behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for,
    notifications_reach_the_mail_server_and_survive_it_being_down,
    past_the_unread_cap_messages_are_refused_until_the_owner_reads_some,
);
