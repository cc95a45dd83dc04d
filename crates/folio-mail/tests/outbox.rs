//! The outbox against a local SMTP sink: delivery, a mail server that is down and comes back,
//! giving up after the last attempt, waking on new messages, and the hourly budget of e-mails
//! past which messages go out together in one digest. Nothing is ever lost.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use folio_core::{Channel, ContactForm, ContactMessage, DeliveryState, Store, Submission};
use folio_mail::{MailSettings, Outbox};
use folio_metrics::{Metrics, Service};
use folio_store::DatabaseSettings;
use folio_store::sqlite::SqliteSettings;
use folio_testkit::SmtpSink;

struct Setup {
    store: Arc<dyn Store>,
    metrics: Metrics,
    sink: SmtpSink,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temporary directory");
    let metrics = Metrics::new(&[Service::Api], "test", "test");
    let settings = DatabaseSettings::Sqlite(SqliteSettings::at(dir.path().join("folio.db")));
    let store = folio_store::connect(&settings, metrics.db.clone()).await.expect("open");
    store.migrate().await.expect("migrate");
    Setup { store, metrics, sink: SmtpSink::start().await, _dir: dir }
}

fn outbox(setup: &Setup, max_attempts: i32) -> Outbox {
    outbox_with_budget(setup, max_attempts, 100)
}

fn outbox_with_budget(setup: &Setup, max_attempts: i32, per_hour: u32) -> Outbox {
    let settings = MailSettings {
        smtp_url: setup.sink.url().into(),
        to: "Owner <owner@folio.test>".parse().expect("mailbox"),
        from: "Folio <noreply@folio.test>".parse().expect("mailbox"),
        retry_base: Duration::from_millis(100),
        max_attempts,
        per_hour: NonZeroU32::new(per_hour).expect("non-zero"),
    };
    Outbox::new(setup.store.clone(), settings, setup.metrics.outbox.clone()).expect("valid settings")
}

async fn submit(store: &dyn Store, subject: &str) -> ContactMessage {
    let form = ContactForm::new("Ada Lovelace", "ada@example.org", subject, "I would like to talk about a project.");
    let Submission::Message(m) = form.parse(Channel::Api).expect("valid") else { unreachable!("no honeypot") };
    store.insert_contact_message(m, 1000).await.expect("stored").expect("under the cap")
}

async fn states(store: &dyn Store) -> Vec<(String, DeliveryState, i32)> {
    let mut all: Vec<_> = store
        .list_contact_messages(100)
        .await
        .expect("list")
        .into_iter()
        .map(|m| (m.subject, m.delivery.state, m.delivery.attempts))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[tokio::test]
async fn a_stored_message_reaches_the_owner_with_reply_to_the_visitor() {
    let setup = setup().await;
    let stored = submit(setup.store.as_ref(), "Hello").await;
    assert_eq!(outbox(&setup, 5).deliver_due().await, 1);

    let mail = setup.sink.received();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, ["<owner@folio.test>"]);
    assert!(mail[0].data.contains("Subject: [Folio contact] Hello"), "{}", mail[0].data);
    assert!(mail[0].data.contains("Reply-To: \"Ada Lovelace\" <ada@example.org>"), "{}", mail[0].data);
    assert!(mail[0].data.contains("I would like to talk about a project."));
    assert!(mail[0].data.contains(&stored.id.to_string()));
    assert_eq!(states(setup.store.as_ref()).await, [("Hello".to_owned(), DeliveryState::Sent, 1)]);
    assert_eq!(outbox(&setup, 5).deliver_due().await, 0, "never sent twice");
}

#[tokio::test]
async fn messages_wait_while_the_mail_server_is_down_and_go_out_when_it_returns() {
    let mut setup = setup().await;
    setup.sink.stop().await;
    for subject in ["one", "two", "three"] {
        submit(setup.store.as_ref(), subject).await;
    }
    let outbox = outbox(&setup, 10);
    assert_eq!(outbox.deliver_due().await, 0);
    let listed = setup.store.list_contact_messages(10).await.expect("list");
    assert!(listed.iter().all(|m| m.delivery.state == DeliveryState::Pending && m.delivery.attempts == 1));
    assert!(listed.iter().all(|m| m.delivery.last_error.as_deref().is_some_and(|e| !e.is_empty())), "{listed:?}");

    setup.sink.restart().await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(outbox.deliver_due().await, 3);
    assert_eq!(setup.sink.received().len(), 3);
    let expected: Vec<_> = ["one", "three", "two"].iter().map(|s| ((*s).to_owned(), DeliveryState::Sent, 2)).collect();
    assert_eq!(states(setup.store.as_ref()).await, expected);
}

#[tokio::test]
async fn after_the_last_attempt_the_notification_is_failed_and_the_message_kept() {
    let mut setup = setup().await;
    setup.sink.stop().await;
    submit(setup.store.as_ref(), "unlucky").await;
    let outbox = outbox(&setup, 2);
    outbox.deliver_due().await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    outbox.deliver_due().await;
    let kept = &setup.store.list_contact_messages(10).await.expect("list")[0];
    assert_eq!(
        (kept.delivery.state, kept.delivery.attempts, kept.delivery.next_attempt_at),
        (DeliveryState::Failed, 2, None)
    );
    assert_eq!(kept.message, "I would like to talk about a project.");
    setup.sink.restart().await;
    assert_eq!(outbox.deliver_due().await, 0, "a failed notification is not retried on its own");
}

#[tokio::test]
async fn the_worker_sends_at_once_when_woken() {
    let setup = setup().await;
    let outbox = outbox(&setup, 5);
    let waker = outbox.waker();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(outbox.run(async {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_millis(100)).await;
    submit(setup.store.as_ref(), "prompt").await;
    let started = Instant::now();
    waker.notify_one();
    while setup.sink.received().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(2), "not sent within 2 s of the wake-up (the poll is 5 s)");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    worker.await.expect("worker stops");
}

#[tokio::test]
async fn the_backlog_and_every_attempt_are_in_the_metrics() {
    let mut setup = setup().await;
    setup.sink.stop().await;
    submit(setup.store.as_ref(), "first").await;
    submit(setup.store.as_ref(), "second").await;
    let outbox = outbox(&setup, 10);
    setup.metrics.outbox.started();
    outbox.deliver_due().await;
    outbox.report_backlog().await;
    let text = rendered(
        &setup,
        &[
            "contact_notification_attempts_total{outcome=\"failed\"} 2",
            "contact_notification_attempts_total{outcome=\"sent\"} 0",
            "contact_outbox_messages{state=\"pending\"} 2",
            "contact_outbox_messages{state=\"sent\"} 0",
        ],
    );
    let age: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("contact_outbox_oldest_pending_age_seconds "))
        .and_then(|v| v.parse().ok())
        .expect("the oldest pending message's wait is reported");
    assert!((0.0..60.0).contains(&age), "{age}");

    setup.sink.restart().await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(outbox.deliver_due().await, 2);
    outbox.report_backlog().await;
    rendered(
        &setup,
        &[
            "contact_notification_attempts_total{outcome=\"sent\"} 2",
            "contact_outbox_messages{state=\"pending\"} 0",
            "contact_outbox_messages{state=\"sent\"} 2",
            "contact_outbox_oldest_pending_age_seconds 0",
        ],
    );
}

/// The metrics text, once it holds every needle.
fn rendered(setup: &Setup, needles: &[&str]) -> String {
    let text = setup.metrics.render();
    for needle in needles {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
    text
}

#[tokio::test]
async fn past_the_hourly_budget_waiting_messages_go_out_together_in_one_digest() {
    let setup = setup().await;
    let outbox = outbox_with_budget(&setup, 5, 2);
    let first = submit(setup.store.as_ref(), "alone").await;
    assert_eq!(outbox.deliver_due().await, 1);
    let mut flood = Vec::new();
    for i in 0..25 {
        flood.push(submit(setup.store.as_ref(), &format!("flood {i}")).await);
    }
    assert_eq!(outbox.deliver_due().await, 25, "the last e-mail of the hour carries all of them");
    let mail = setup.sink.received();
    assert_eq!(mail.len(), 2);
    assert!(mail[0].data.contains(&first.id.to_string()));
    let digest = &mail[1].data;
    assert!(digest.contains("Subject: [Folio contact] 25 new messages"), "{digest}");
    assert!(!digest.contains("Reply-To:"), "a digest has many senders: {digest}");
    assert!(flood.iter().all(|m| digest.contains(&m.id.to_string())), "every message is in the digest");

    let late = submit(setup.store.as_ref(), "late").await;
    assert_eq!(outbox.deliver_due().await, 0, "the budget is spent");
    assert_eq!(setup.sink.received().len(), 2);
    let kept = setup.store.list_contact_messages(100).await.expect("list");
    let waiting = kept.iter().find(|m| m.id == late.id).expect("kept");
    assert_eq!((waiting.delivery.state, waiting.delivery.attempts), (DeliveryState::Pending, 0), "waiting, not lost");
    assert_eq!(kept.iter().filter(|m| m.delivery.state == DeliveryState::Sent).count(), 26);
}
