//! The owner's inbox in the admin, in `folio serve`: messages sent through the site's form,
//! unread first and newest first, marked read and handled, deleted after a confirmation; with a
//! mail server that was down, "Retry now" e-mails a failed notification at once; without one,
//! the page says messages are not e-mailed and offers no retry.

use std::time::{Duration, Instant};

use folio_testkit::SmtpSink;
use reqwest::StatusCode;
use reqwest::redirect::Policy;

use crate::admin_projects::Browser;
use crate::common::{self, DatabaseKind, TestApp};

/// Sends a message through the site's contact form, as a visitor without JavaScript does.
async fn visitor_writes(app: &TestApp, subject: &str) {
    let form =
        [("name", "Ada"), ("email", "ada+x@example.org"), ("subject", subject), ("message", "Line one\nline two")];
    let client = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
    let sent = client.post(app.url("/contact")).form(&form).send().await.expect("send");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    tokio::time::sleep(Duration::from_millis(5)).await;
}

/// The subjects on the inbox page, in order.
fn subjects(page: &str) -> Vec<String> {
    page.match_indices("<h2 id=\"m-")
        .map(|(at, _)| {
            let rest = &page[at..];
            let start = rest.find('>').expect("heading") + 1;
            rest[start..start + rest[start..].find("</h2>").expect("end")].to_owned()
        })
        .collect()
}

fn id_in(page: &str, subject: &str) -> String {
    let heading = page.find(&format!("\">{subject}</h2>")).expect("the message");
    let at = page[..heading].rfind("id=\"m-").expect("its id") + 6;
    page[at..heading].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_reads_handles_and_deletes_messages() {
    let app = common::serve(DatabaseKind::Sqlite, &[]).await;
    for subject in ["First", "Second", "Third"] {
        visitor_writes(&app, subject).await;
    }
    let owner = Browser::sign_in(&app).await;
    let page = owner.page("/admin/inbox", 200).await;
    assert_eq!(subjects(&page), ["Third", "Second", "First"], "newest first");
    assert!(page.contains("3 messages, 3 unread") && page.contains("Line one\nline two"), "{page}");
    assert!(page.contains("messages are not e-mailed to you; they wait here"), "{page}");
    assert!(!page.contains("Retry now"), "no mail server, nothing to retry");

    owner
        .done_at(&format!("/admin/inbox/{}", id_in(&page, "Third")), &[("value", "read")], "/admin/inbox?done=read")
        .await;
    let page = owner.page("/admin/inbox", 200).await;
    assert_eq!(subjects(&page), ["Second", "First", "Third"], "unread first");
    let second = id_in(&page, "Second");
    owner.done_at(&format!("/admin/inbox/{second}"), &[("value", "handled")], "/admin/inbox?done=handled").await;
    let page = owner.page("/admin/inbox", 200).await;
    assert!(page.contains("3 messages, 1 unread"), "handled is read too: {page}");
    let listed = common::json_with_status(owner.api_get("/api/contact-messages").await, 200).await;
    let handled = listed.as_array().expect("list").iter().find(|m| m["id"] == second.as_str()).expect("kept").clone();
    assert!(handled["handledAt"].is_string() && handled["readAt"].is_string(), "{handled}");

    let question = owner.page(&format!("/admin/inbox/{second}/delete"), 200).await;
    assert!(question.contains("Delete “Second”?"), "{question}");
    owner.done_at(&format!("/admin/inbox/{second}/delete"), &[], "/admin/inbox?done=deleted").await;
    assert_eq!(subjects(&owner.page("/admin/inbox", 200).await), ["First", "Third"]);
    assert_eq!(owner.get(&format!("/admin/inbox/{second}/delete")).await.status(), StatusCode::NOT_FOUND);
    let odd = owner.post(&format!("/admin/inbox/{}", id_in(&page, "First")), &[("value", "archive")]).await;
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_now_e_mails_a_notification_that_failed_while_the_mail_server_was_down() {
    let mut sink = SmtpSink::start().await;
    let url = sink.url();
    sink.stop().await;
    let mail = [
        ("SMTP_URL", url.as_str()),
        ("CONTACT_TO", "owner@folio.test"),
        ("CONTACT_FROM", "site@folio.test"),
        ("CONTACT_MAX_ATTEMPTS", "1"),
    ];
    let app = common::serve(DatabaseKind::Sqlite, &mail).await;
    visitor_writes(&app, "While it was down").await;
    let owner = Browser::sign_in(&app).await;
    let started = Instant::now();
    let page = loop {
        let page = owner.page("/admin/inbox", 200).await;
        if page.contains("E-mailing failed after 1 attempts") {
            break page;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "not failed within 10 s: {page}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(page.contains("Retry now"), "{page}");
    sink.restart().await;
    let id = id_in(&page, "While it was down");
    owner.done_at(&format!("/admin/inbox/{id}"), &[("value", "retry")], "/admin/inbox?done=retried").await;
    let started = Instant::now();
    loop {
        let page = owner.page("/admin/inbox", 200).await;
        if page.contains("E-mailed to you at") {
            assert!(!page.contains("Retry now"), "sent: nothing to retry");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "not sent within 10 s of the retry: {page}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sink.received().len(), 1);
    let again = owner.post(&format!("/admin/inbox/{id}"), &[("value", "retry")]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "a sent notification is not sent twice");
}
