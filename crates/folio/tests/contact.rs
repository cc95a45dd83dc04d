//! The contact API: validation, the honeypot, per-client rate limits (and forged
//! X-Forwarded-For), the admin listing, and delivery through the outbox to an SMTP sink,
//! including a mail server that is down and comes back.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TOKEN, json_with_status, spawn};
use folio_testkit::SmtpSink;
use serde_json::{Value, json};

fn message(subject: &str) -> Value {
    json!({"name": "Ada Lovelace", "email": "ada@example.org", "subject": subject, "message": "I would like to talk about a project."})
}

async fn a_message_is_stored_and_listed_for_the_admin_only(backend: Backend) {
    let app = spawn(backend, &[]).await;
    let answer = json_with_status(
        app.client.post(app.url("/api/contact")).json(&message("Hello")).send().await.expect("send"),
        201,
    )
    .await;
    assert_eq!(answer["success"], true);
    assert!(answer["message"].as_str().is_some_and(|m| m.starts_with("Thank you")));

    let anonymous = app.client.get(app.url("/api/contact-messages")).send().await.expect("send");
    assert_eq!(anonymous.status(), 401);
    let listed = app.client.get(app.url("/api/contact-messages")).bearer_auth(TOKEN).send().await.expect("send");
    let listed = json_with_status(listed, 200).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["subject"], "Hello");
    assert_eq!(listed[0]["delivery"]["state"], "pending", "no mail server is configured");
}

async fn invalid_messages_are_refused_field_by_field(backend: Backend) {
    let app = spawn(backend, &[]).await;
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
    let listed = app.client.get(app.url("/api/contact-messages")).bearer_auth(TOKEN).send().await.expect("send");
    assert_eq!(json_with_status(listed, 200).await, json!([]));
}

async fn a_filled_honeypot_gets_the_same_answer_and_nothing_is_stored(backend: Backend) {
    let app = spawn(backend, &[]).await;
    let mut body = message("Buy now");
    body["website"] = json!("http://spam.example");
    json_with_status(app.client.post(app.url("/api/contact")).json(&body).send().await.expect("send"), 201).await;
    let listed = app.client.get(app.url("/api/contact-messages")).bearer_auth(TOKEN).send().await.expect("send");
    assert_eq!(json_with_status(listed, 200).await, json!([]));
}

async fn each_client_is_rate_limited_and_a_forged_forwarded_for_does_not_help(backend: Backend) {
    let app = spawn(backend, &[("CONTACT_RATE_LIMIT_PER_HOUR", "2")]).await;
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

async fn behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for(backend: Backend) {
    let app = spawn(backend, &[("CONTACT_RATE_LIMIT_PER_HOUR", "1"), ("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let post = |client: &'static str| {
        app.client.post(app.url("/api/contact")).header("x-forwarded-for", client).json(&message("proxied")).send()
    };
    assert_eq!(post("198.51.100.1").await.expect("send").status(), 201);
    assert_eq!(post("198.51.100.1").await.expect("send").status(), 429);
    assert_eq!(post("198.51.100.2").await.expect("send").status(), 201, "another client behind the same proxy");
    assert_eq!(post("6.6.6.6, 198.51.100.1").await.expect("send").status(), 429, "a forged leftmost entry is ignored");
}

async fn notifications_reach_the_mail_server_and_survive_it_being_down(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn(
        backend,
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
        let listed = app.client.get(app.url("/api/contact-messages")).bearer_auth(TOKEN).send().await.expect("send");
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

    json_with_status(app.client.post(app.url("/api/contact")).json(&message("first")).send().await.expect("send"), 201)
        .await;
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

on_both_databases!(
    a_message_is_stored_and_listed_for_the_admin_only,
    invalid_messages_are_refused_field_by_field,
    a_filled_honeypot_gets_the_same_answer_and_nothing_is_stored,
    each_client_is_rate_limited_and_a_forged_forwarded_for_does_not_help,
    behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for,
    notifications_reach_the_mail_server_and_survive_it_being_down,
);
