//! The storage contract: every test here runs against SQLite and against PostgreSQL 15, so the
//! two implementations cannot drift apart.

use std::time::Duration;

use folio_core::{
    AdminSession, Channel, ContactForm, ContactMessage, DeliveryOutcome, DeliveryState, FileName, ImageAlt,
    ImageChoice, InboxChange, Kind, NewContactMessage, NewMedia, NewMediaFile, NewProject, OutboxCounts,
    ProjectDescription, ProjectPatch, ProjectTitle, SiteContent, Slug, Store, StoreError, StoredFile, Submission,
    Technologies, Timestamp, WebUrl,
};
use futures::future::join_all;
use uuid::Uuid;

fn title(text: &str) -> ProjectTitle {
    ProjectTitle::parse(text).expect("valid title")
}

fn url(text: &str) -> WebUrl {
    WebUrl::parse(text).expect("valid URL")
}

fn tags(list: &[&str]) -> Technologies {
    Technologies::parse(list).expect("valid tags")
}

fn new_project(name: &str, sort_order: i32, active: bool) -> NewProject {
    let description = ProjectDescription::parse(&format!("About {name}")).expect("valid description");
    NewProject { sort_order, is_active: active, ..NewProject::new(title(name), description) }
}

async fn migrations_are_tracked_and_a_second_run_applies_nothing(store: &dyn Store) {
    let report = store.migrate().await.expect("second migration run");
    assert!(report.applied.is_empty(), "applied again: {report:?}");
    assert!(report.unknown.is_empty());
}

async fn a_created_project_reads_back_exactly_as_stored(store: &dyn Store) {
    let new = NewProject {
        image_url: Some(url("https://example.com/a.png")),
        project_url: Some(url("http://example.com/?q=1&r=2")),
        github_url: None,
        technologies: tags(&["Rust", "Post'gres", "\"quoted\"", "comma,inside"]),
        is_active: true,
        sort_order: -5,
        ..NewProject::new(
            title("Robert'); DROP TABLE projects;-- ünïcödé 🚀"),
            ProjectDescription::parse("<script>alert('x')</script>\nline two").expect("valid"),
        )
    };
    let created = store.create_project(new.clone()).await.expect("create");
    assert_eq!(created.title, new.title.as_str());
    assert_eq!(created.technologies, new.technologies.into_inner());
    assert_eq!(created.created_at, created.updated_at);
    let read = store.get_project(created.id).await.expect("get").expect("found");
    assert_eq!(read, created);
}

async fn the_listing_holds_active_projects_by_sort_order_then_newest_first(store: &dyn Store) {
    let b_old = store.create_project(new_project("b-old", 1, true)).await.expect("create");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let b_new = store.create_project(new_project("b-new", 1, true)).await.expect("create");
    let a = store.create_project(new_project("a", 0, true)).await.expect("create");
    store.create_project(new_project("hidden", -1, false)).await.expect("create");
    let titles: Vec<String> =
        store.list_active_projects().await.expect("list").iter().map(|p| p.title.clone()).collect();
    assert_eq!(titles, [a.title, b_new.title, b_old.title]);
}

async fn an_inactive_project_can_still_be_fetched_by_id(store: &dyn Store) {
    let hidden = store.create_project(new_project("hidden", 0, false)).await.expect("create");
    assert_eq!(store.get_project(hidden.id).await.expect("get"), Some(hidden));
}

async fn the_whole_listing_holds_hidden_projects_too_in_the_same_order(store: &dyn Store) {
    let shown = store.create_project(new_project("shown", 2, true)).await.expect("create");
    let draft = store.create_project(new_project("draft", 1, false)).await.expect("create");
    let all: Vec<_> = store.list_all_projects().await.expect("list all").iter().map(|p| p.id).collect();
    assert_eq!(all, [draft.id, shown.id]);
    let active: Vec<_> = store.list_active_projects().await.expect("list").iter().map(|p| p.id).collect();
    assert_eq!(active, [shown.id]);
}

async fn unknown_ids_are_reported_as_absent(store: &dyn Store) {
    let id = Uuid::new_v4();
    assert_eq!(store.get_project(id).await.expect("get"), None);
    assert_eq!(store.update_project(id, ProjectPatch::default()).await.expect("update"), None);
    assert!(!store.delete_project(id).await.expect("delete"));
}

async fn an_update_changes_only_the_given_fields(store: &dyn Store) {
    let created = store.create_project(new_project("before", 3, true)).await.expect("create");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let patch = ProjectPatch { title: Some(title("after")), technologies: Some(tags(&["Axum"])), ..Default::default() };
    let updated = store.update_project(created.id, patch).await.expect("update").expect("found");
    assert_eq!(updated.title, "after");
    assert_eq!(updated.technologies, ["Axum"]);
    assert_eq!((updated.description.as_str(), updated.sort_order), (created.description.as_str(), 3));
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at > created.updated_at);
    assert_eq!(store.get_project(created.id).await.expect("get"), Some(updated));
}

async fn null_clears_an_optional_url(store: &dyn Store) {
    let new = NewProject { image_url: Some(url("https://x.example/i.png")), ..new_project("t", 0, true) };
    let created = store.create_project(new).await.expect("create");
    let patch = ProjectPatch { image_url: Some(None), ..Default::default() };
    let updated = store.update_project(created.id, patch).await.expect("update").expect("found");
    assert_eq!(updated.image_url, None);
    assert_eq!(store.get_project(created.id).await.expect("get").expect("found").image_url, None);
}

async fn concurrent_updates_to_different_fields_both_survive(store: &dyn Store) {
    let created = store.create_project(new_project("race", 0, true)).await.expect("create");
    let titles = (0..8).map(|i| {
        let patch = ProjectPatch { title: Some(title(&format!("title {i}"))), ..Default::default() };
        store.update_project(created.id, patch)
    });
    let orders = (0..8).map(|i| {
        let patch = ProjectPatch { sort_order: Some(100 + i), ..Default::default() };
        store.update_project(created.id, patch)
    });
    let (a, b) = tokio::join!(join_all(titles), join_all(orders));
    assert!(a.iter().chain(b.iter()).all(|r| matches!(r, Ok(Some(_)))), "an update failed: {a:?} {b:?}");
    let last = store.get_project(created.id).await.expect("get").expect("found");
    assert!(last.title.starts_with("title "), "title lost: {last:?}");
    assert!(last.sort_order >= 100, "sortOrder lost: {last:?}");
}

async fn a_slug_is_unique_across_projects_on_create_and_update(store: &dyn Store) {
    let slug = |text: &str| Some(Slug::parse(text).expect("valid slug"));
    let first = store.create_project(NewProject { slug: slug("one"), ..new_project("One", 0, true) }).await;
    assert_eq!(first.expect("create").slug, "one");
    let again = store.create_project(NewProject { slug: slug("one"), ..new_project("Other", 0, true) }).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.list_all_projects().await.expect("list").len(), 1, "nothing stored");
    let other = store.create_project(new_project("Two", 0, false)).await.expect("create");
    assert_eq!(other.slug, "two", "made from the title when none is given");
    let taken = store.update_project(other.id, ProjectPatch { slug: slug("one"), ..ProjectPatch::default() }).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    let renamed = ProjectPatch { title: Some(title("Renamed")), ..ProjectPatch::default() };
    let kept = store.update_project(other.id, renamed).await.expect("update").expect("found");
    assert_eq!((kept.title.as_str(), kept.slug.as_str()), ("Renamed", "two"), "a new title keeps the address");
}

fn site_content(name: &str) -> SiteContent {
    use folio_core::domain::site_content::{About, Home, Link, Owner, SiteInfo};
    SiteContent {
        site: SiteInfo { title: name.into(), description: "d".into(), language: "en".into() },
        owner: Owner {
            name: name.into(),
            headline: "h".into(),
            intro: "i".into(),
            location: "l".into(),
            email: "a@b.example".into(),
        },
        links: vec![Link { label: "x".into(), url: "https://x.example".into() }],
        competencies: Vec::new(),
        home: Home { cta_title: "t".into(), cta_text: "t".into(), cta_label: "t".into() },
        about: About {
            biography: "'; DROP TABLE site_content; --".into(),
            expertise: Vec::new(),
            approach: Vec::new(),
        },
    }
}

async fn the_site_content_is_seeded_once_and_replaced_whole(store: &dyn Store) {
    assert_eq!(store.site_content().await.expect("read"), None, "nothing before the first start");
    let at = Timestamp::now();
    let ada = site_content("Ada");
    let seeds = join_all((0..4).map(|_| store.seed_site_content(&ada, at)));
    let stored: Vec<bool> = seeds.await.into_iter().map(|r| r.expect("seed")).collect();
    assert_eq!(stored.iter().filter(|s| **s).count(), 1, "one of replicas seeding at once stores: {stored:?}");
    assert!(!store.seed_site_content(&site_content("Bea"), at).await.expect("seed"), "a seed never overwrites");
    assert_eq!(store.site_content().await.expect("read"), Some(site_content("Ada")));
    let edited = site_content("Zoë 🚀 “quoted” <b>&</b>");
    store.put_site_content(&edited, Timestamp::now()).await.expect("put");
    assert_eq!(store.site_content().await.expect("read"), Some(edited), "read back exactly as written");
}

async fn a_deleted_project_is_gone(store: &dyn Store) {
    let created = store.create_project(new_project("doomed", 0, true)).await.expect("create");
    assert!(store.delete_project(created.id).await.expect("delete"));
    assert_eq!(store.get_project(created.id).await.expect("get"), None);
    assert!(store.list_active_projects().await.expect("list").is_empty());
}

async fn ping_answers(store: &dyn Store) {
    store.ping().await.expect("ping");
}

fn contact(subject: &str) -> NewContactMessage {
    match ContactForm::new("Ada", "ada@example.org", subject, "Hello from the contract tests")
        .parse(Channel::Api)
        .expect("valid message")
    {
        Submission::Message(m) => m,
        Submission::Bot => unreachable!("no honeypot was filled"),
    }
}

/// Stores a message, with room to spare under the unread cap.
async fn stored(store: &dyn Store, subject: &str) -> ContactMessage {
    store.insert_contact_message(contact(subject), 1000).await.expect("insert").expect("under the cap")
}

fn in_ms(ms: i64) -> Timestamp {
    Timestamp::from(Timestamp::now().as_datetime() + chrono::Duration::milliseconds(ms))
}

fn session(id_hash: &str, created_ms: i64, seen_ms: i64, expires_ms: i64) -> AdminSession {
    AdminSession {
        id_hash: id_hash.to_owned(),
        created_at: in_ms(created_ms),
        last_seen_at: in_ms(seen_ms),
        expires_at: in_ms(expires_ms),
    }
}

async fn a_session_reads_back_as_stored_and_sign_out_deletes_it_once(store: &dyn Store) {
    let stored = session(&"a1".repeat(32), 0, 0, 3_600_000);
    store.create_session(stored.clone()).await.expect("create");
    assert_eq!(store.find_session(&stored.id_hash).await.expect("find"), Some(stored.clone()));
    assert_eq!(store.find_session(&"b2".repeat(32)).await.expect("find"), None);
    assert!(store.delete_session(&stored.id_hash).await.expect("delete"));
    assert!(!store.delete_session(&stored.id_hash).await.expect("delete again"));
    assert_eq!(store.find_session(&stored.id_hash).await.expect("find"), None);
}

async fn touching_a_session_moves_last_seen_forward_only(store: &dyn Store) {
    let stored = session(&"c3".repeat(32), -60_000, -60_000, 3_600_000);
    store.create_session(stored.clone()).await.expect("create");
    let now = in_ms(0);
    store.touch_session(&stored.id_hash, now).await.expect("touch");
    store.touch_session(&stored.id_hash, in_ms(-120_000)).await.expect("touch with an older time");
    let read = store.find_session(&stored.id_hash).await.expect("find").expect("found");
    assert_eq!(read.last_seen_at, now);
    assert_eq!(read.created_at, stored.created_at);
}

async fn expired_and_idle_sessions_are_deleted_and_live_ones_kept(store: &dyn Store) {
    let live = session(&"d4".repeat(32), -1_000, -1_000, 3_600_000);
    let past_absolute = session(&"e5".repeat(32), -7_200_000, -1_000, -1);
    let idle = session(&"f6".repeat(32), -7_200_000, -7_200_000, 3_600_000);
    for s in [&live, &past_absolute, &idle] {
        store.create_session(s.clone()).await.expect("create");
    }
    let deleted = store.delete_expired_sessions(in_ms(0), in_ms(-3_600_000)).await.expect("delete expired");
    assert_eq!(deleted, 2);
    assert!(store.find_session(&live.id_hash).await.expect("find").is_some());
    assert!(store.find_session(&idle.id_hash).await.expect("find").is_none());
}

async fn contact_messages_are_stored_pending_and_listed_newest_first(store: &dyn Store) {
    let first = stored(store, "first").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let second = stored(store, "second").await;
    assert_eq!(first.delivery.state, DeliveryState::Pending);
    assert_eq!(first.delivery.attempts, 0);
    let listed = store.list_contact_messages(10).await.expect("list");
    assert_eq!(listed, [second.clone(), first]);
    assert_eq!(store.list_contact_messages(1).await.expect("list"), [second]);
}

async fn a_due_notification_is_claimed_once_until_its_lease_passes(store: &dyn Store) {
    let message = stored(store, "lease").await;
    let claimed = store.claim_due_notifications(10, in_ms(150)).await.expect("claim");
    assert_eq!(claimed.iter().map(|m| m.id).collect::<Vec<_>>(), [message.id]);
    assert!(store.claim_due_notifications(10, in_ms(150)).await.expect("claim").is_empty());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(store.claim_due_notifications(10, in_ms(150)).await.expect("claim").len(), 1, "lease expired");
}

async fn delivery_outcomes_are_recorded_and_sent_mail_is_never_claimed_again(store: &dyn Store) {
    let sent = stored(store, "sent").await;
    let retried = stored(store, "retried").await;
    let abandoned = stored(store, "abandoned").await;
    store.claim_due_notifications(10, in_ms(60_000)).await.expect("claim");
    let at = Timestamp::now();
    store.record_delivery(sent.id, DeliveryOutcome::Sent { at }).await.expect("record");
    let retry = DeliveryOutcome::Failed { error: "connection refused".into(), retry_at: Some(in_ms(100)) };
    store.record_delivery(retried.id, retry).await.expect("record");
    let give_up = DeliveryOutcome::Failed { error: "550 mailbox unavailable".into(), retry_at: None };
    store.record_delivery(abandoned.id, give_up).await.expect("record");

    let by_subject = |list: &[ContactMessage], s: &str| list.iter().find(|m| m.subject == s).cloned().expect("listed");
    let listed = store.list_contact_messages(10).await.expect("list");
    let d = by_subject(&listed, "sent").delivery;
    assert_eq!((d.state, d.attempts, d.sent_at, d.next_attempt_at), (DeliveryState::Sent, 1, Some(at), None));
    let d = by_subject(&listed, "retried").delivery;
    assert_eq!((d.state, d.attempts, d.last_error.as_deref()), (DeliveryState::Pending, 1, Some("connection refused")));
    let d = by_subject(&listed, "abandoned").delivery;
    assert_eq!((d.state, d.attempts, d.next_attempt_at), (DeliveryState::Failed, 1, None));
    assert_eq!(by_subject(&listed, "abandoned").message, "Hello from the contract tests", "the message is kept");

    tokio::time::sleep(Duration::from_millis(150)).await;
    let due: Vec<String> =
        store.claim_due_notifications(10, in_ms(60_000)).await.expect("claim").into_iter().map(|m| m.subject).collect();
    assert_eq!(due, ["retried"]);
}

async fn concurrent_claims_never_hand_out_a_message_twice(store: &dyn Store) {
    for i in 0..12 {
        stored(store, &format!("m{i}")).await;
    }
    let claims = join_all((0..4).map(|_| store.claim_due_notifications(5, in_ms(60_000)))).await;
    let mut ids: Vec<uuid::Uuid> = claims.into_iter().flat_map(|c| c.expect("claim")).map(|m| m.id).collect();
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((claimed, ids.len()), (12, 12), "every message claimed exactly once");
}

async fn outbox_counts_follow_each_state_and_the_oldest_pending_message(store: &dyn Store) {
    assert_eq!(store.outbox_counts().await.expect("counts"), OutboxCounts::default());
    let sent = stored(store, "sent").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let oldest_pending = stored(store, "waiting").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let abandoned = stored(store, "abandoned").await;
    stored(store, "newest").await;
    store.record_delivery(sent.id, DeliveryOutcome::Sent { at: Timestamp::now() }).await.expect("record");
    let give_up = DeliveryOutcome::Failed { error: "550 mailbox unavailable".into(), retry_at: None };
    store.record_delivery(abandoned.id, give_up).await.expect("record");
    let retry = DeliveryOutcome::Failed { error: "connection refused".into(), retry_at: Some(in_ms(60_000)) };
    store.record_delivery(oldest_pending.id, retry).await.expect("record");

    let counts = store.outbox_counts().await.expect("counts");
    let expected = OutboxCounts { pending: 2, sent: 1, failed: 1, oldest_pending: Some(oldest_pending.created_at) };
    assert_eq!(counts, expected, "a retried message is still pending");
}

async fn past_the_unread_cap_nothing_is_stored_until_some_are_read(store: &dyn Store) {
    let first = store.insert_contact_message(contact("one"), 2).await.expect("insert").expect("room");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let second = store.insert_contact_message(contact("two"), 2).await.expect("insert").expect("room");
    assert_eq!(store.insert_contact_message(contact("three"), 2).await.expect("insert"), None, "full");
    assert_eq!(store.list_contact_messages(10).await.expect("list"), [second.clone(), first.clone()], "all kept");

    let unknown = uuid::Uuid::new_v4();
    assert_eq!(store.mark_contact_messages_read(&[first.id, unknown]).await.expect("mark"), 1);
    assert_eq!(store.mark_contact_messages_read(&[first.id]).await.expect("mark"), 0, "already read");
    let listed = store.list_contact_messages(10).await.expect("list");
    let read_at = listed.iter().find(|m| m.id == first.id).and_then(|m| m.read_at).expect("marked read");
    assert!(read_at >= first.created_at);
    assert_eq!(listed.iter().find(|m| m.id == second.id).map(|m| m.read_at), Some(None));
    let third = store.insert_contact_message(contact("three"), 2).await.expect("insert").expect("room again");
    assert_eq!(third.read_at, None);
    assert_eq!(store.insert_contact_message(contact("four"), 2).await.expect("insert"), None);
}

async fn the_owner_reads_handles_retries_and_deletes_one_message(store: &dyn Store) {
    let message = stored(store, "for the inbox").await;
    let at = Timestamp::now();
    let find = || async {
        let listed = store.list_contact_messages(10).await.expect("list");
        listed.into_iter().find(|m| m.id == message.id)
    };
    assert!(store.change_contact_message(message.id, InboxChange::Read, at).await.expect("read"));
    let later = in_ms(60_000);
    assert!(store.change_contact_message(message.id, InboxChange::Handled, later).await.expect("handled"));
    let handled = find().await.expect("kept");
    assert_eq!((handled.read_at, handled.handled_at), (Some(at), Some(later)), "read keeps its first time");

    // A failed notification goes back to pending, due now; a sent one is left alone.
    let give_up = DeliveryOutcome::Failed { error: "550 no such mailbox".into(), retry_at: None };
    store.record_delivery(message.id, give_up).await.expect("record");
    assert!(store.change_contact_message(message.id, InboxChange::Retry, later).await.expect("retry"));
    let retried = find().await.expect("kept").delivery;
    assert_eq!((retried.state, retried.next_attempt_at, retried.attempts), (DeliveryState::Pending, Some(later), 1));
    store.record_delivery(message.id, DeliveryOutcome::Sent { at: later }).await.expect("record");
    assert!(!store.change_contact_message(message.id, InboxChange::Retry, later).await.expect("retry"), "sent");
    assert_eq!(find().await.expect("kept").delivery.state, DeliveryState::Sent);

    assert!(store.change_contact_message(message.id, InboxChange::Delete, at).await.expect("delete"));
    assert_eq!(find().await, None);
    for change in [InboxChange::Read, InboxChange::Handled, InboxChange::Retry, InboxChange::Delete] {
        assert!(!store.change_contact_message(message.id, change, at).await.expect("change"), "{change:?}: gone");
    }
}

/// An image as the processing makes one: a master, two WebP variants and a fallback, listed
/// here out of their order, with bytes that include every byte value.
fn new_image(width: u32, height: u32) -> NewMedia {
    let file = |name, width, height, seed: u8| NewMediaFile {
        name,
        width,
        height,
        bytes: (0..=255u8).cycle().skip(usize::from(seed)).take(3000 + usize::from(seed)).collect(),
    };
    NewMedia {
        width,
        height,
        files: vec![
            file(FileName::Fallback(Kind::Jpeg), 960, 720, 4),
            file(FileName::Webp(960), 960, 720, 3),
            file(FileName::Master(Kind::Jpeg), width, height, 1),
            file(FileName::Webp(480), 480, 360, 2),
        ],
    }
}

async fn an_image_and_its_files_read_back_as_stored_and_go_together(store: &dyn Store) {
    assert_eq!(store.list_media().await.expect("list"), [], "no images at first");
    let (older, newer, at) = (Uuid::new_v4(), Uuid::new_v4(), in_ms(-60_000));
    let image = new_image(1200, 900);
    store.create_media(older, image.clone(), at).await.expect("store");
    store.create_media(newer, new_image(640, 480), in_ms(0)).await.expect("store");

    let listed = store.list_media().await.expect("list");
    assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), [newer, older], "newest first");
    let expected = image.describe(older, at);
    let names: Vec<FileName> = listed[1].files.iter().map(|f| f.name).collect();
    let in_order =
        [FileName::Master(Kind::Jpeg), FileName::Webp(480), FileName::Webp(960), FileName::Fallback(Kind::Jpeg)];
    assert_eq!(names, in_order, "the master, the variants by width, the fallback");
    assert_eq!(listed[1].files.len(), expected.files.len());
    for file in &expected.files {
        assert!(listed[1].files.contains(file), "{file:?} listed with its size");
    }
    assert_eq!(store.get_media(older).await.expect("get").map(|m| m.files.len()), Some(4));
    assert_eq!((listed[1].width, listed[1].height, listed[1].created_at), (1200, 900, at));

    for f in &image.files {
        let read = store.media_file(older, f.name).await.expect("file");
        assert_eq!(read, Some(StoredFile { format: f.name.format(), bytes: f.bytes.clone() }), "{}", f.name);
    }
    assert_eq!(store.media_file(older, FileName::Webp(1600)).await.expect("file"), None, "never made");
    assert_eq!(store.media_file(Uuid::new_v4(), FileName::Webp(480)).await.expect("file"), None);

    assert!(store.delete_media(older).await.expect("delete"));
    assert!(!store.delete_media(older).await.expect("delete"), "deleted once");
    assert_eq!(store.get_media(older).await.expect("get"), None);
    assert_eq!(store.media_file(older, FileName::Master(Kind::Jpeg)).await.expect("file"), None, "files gone too");
    assert_eq!(store.list_media().await.expect("list").len(), 1, "the other image kept");
}

async fn an_image_whose_files_cannot_all_be_stored_is_not_stored(store: &dyn Store) {
    let id = Uuid::new_v4();
    let mut image = new_image(800, 600);
    image.files.push(image.files[0].clone());
    let refused = store.create_media(id, image, Timestamp::now()).await;
    assert!(matches!(refused, Err(StoreError::Conflict(_))), "two files of one name: {refused:?}");
    assert_eq!(store.get_media(id).await.expect("get"), None, "all or nothing");
    assert_eq!(store.media_file(id, FileName::Master(Kind::Jpeg)).await.expect("file"), None);
}

async fn a_project_shows_a_stored_image_which_cannot_go_while_shown(store: &dyn Store) {
    let (id, at) = (Uuid::new_v4(), Timestamp::now());
    store.create_media(id, new_image(1200, 900), at).await.expect("store");
    let choice = |id, alt: &str| Some(ImageChoice { id, alt: ImageAlt::parse(alt).expect("valid") });
    let new = NewProject { image: choice(id, "A bridge at dusk"), ..new_project("pictured", 0, true) };
    let created = store.create_project(new).await.expect("create");
    let image = created.image.clone().expect("an image");
    // The fallback's size and format, as the image's files say.
    assert_eq!((image.id, image.alt.as_str(), image.width, image.height), (id, "A bridge at dusk", 960, 720));
    assert_eq!(image.fallback, Kind::Jpeg);
    assert_eq!(store.get_project(created.id).await.expect("get"), Some(created.clone()), "read back as stored");
    assert_eq!(store.list_active_projects().await.expect("list")[0].image, Some(image.clone()));

    let shown = store.delete_media(id).await;
    assert!(matches!(&shown, Err(StoreError::Refused(why)) if why.contains("\"pictured\"")), "{shown:?}");
    assert!(store.get_media(id).await.expect("get").is_some(), "kept while shown");

    let nowhere = Uuid::new_v4();
    let missing = store.create_project(NewProject { image: choice(nowhere, ""), ..new_project("x", 0, true) }).await;
    assert!(matches!(&missing, Err(StoreError::Refused(why)) if why.contains(&nowhere.to_string())), "{missing:?}");
    let patch = ProjectPatch { image: Some(choice(nowhere, "")), ..ProjectPatch::default() };
    let missing = store.update_project(created.id, patch).await;
    assert!(matches!(missing, Err(StoreError::Refused(_))), "{missing:?}");
    assert_eq!(store.list_all_projects().await.expect("list").len(), 1, "nothing stored");

    let renamed = ProjectPatch { image: Some(choice(id, "The bridge")), ..ProjectPatch::default() };
    let renamed = store.update_project(created.id, renamed).await.expect("update").expect("found");
    assert_eq!(renamed.image.as_ref().map(|i| i.alt.as_str()), Some("The bridge"));
    let untouched = ProjectPatch { sort_order: Some(4), ..ProjectPatch::default() };
    let untouched = store.update_project(created.id, untouched).await.expect("update").expect("found");
    assert_eq!(untouched.image, renamed.image, "a patch without image keeps it");
    let cleared = ProjectPatch { image: Some(None), ..ProjectPatch::default() };
    let cleared = store.update_project(created.id, cleared).await.expect("update").expect("found");
    assert_eq!(cleared.image, None);
    assert_eq!(store.get_project(created.id).await.expect("get").expect("found").image, None);
    assert!(store.delete_media(id).await.expect("delete"), "no longer shown: deleted");
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
    the_whole_listing_holds_hidden_projects_too_in_the_same_order,
    an_update_changes_only_the_given_fields,
    null_clears_an_optional_url,
    concurrent_updates_to_different_fields_both_survive,
    a_deleted_project_is_gone,
    a_slug_is_unique_across_projects_on_create_and_update,
    the_site_content_is_seeded_once_and_replaced_whole,
    an_image_and_its_files_read_back_as_stored_and_go_together,
    an_image_whose_files_cannot_all_be_stored_is_not_stored,
    a_project_shows_a_stored_image_which_cannot_go_while_shown,
    ping_answers,
    contact_messages_are_stored_pending_and_listed_newest_first,
    a_due_notification_is_claimed_once_until_its_lease_passes,
    delivery_outcomes_are_recorded_and_sent_mail_is_never_claimed_again,
    concurrent_claims_never_hand_out_a_message_twice,
    outbox_counts_follow_each_state_and_the_oldest_pending_message,
    past_the_unread_cap_nothing_is_stored_until_some_are_read,
    the_owner_reads_handles_retries_and_deletes_one_message,
    a_session_reads_back_as_stored_and_sign_out_deletes_it_once,
    touching_a_session_moves_last_seen_forward_only,
    expired_and_idle_sessions_are_deleted_and_live_ones_kept,
);
