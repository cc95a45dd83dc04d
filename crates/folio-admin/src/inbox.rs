//! The owner's inbox: contact messages, unread first, each part newest first, with the state of
//! its notification; mark read, mark handled, send the notification again, delete (after a
//! confirmation). Plain forms answered by a redirect, as the rest of the admin.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use folio_core::{ContactMessage, InboxChange};
use uuid::Uuid;

use crate::AdminState;
use crate::pages::{Button, Done, bad_button, changed, forged, message, notice, page, unavailable};
use crate::session::Owner;
use crate::templates::{ConfirmDelete, Inbox, InboxRow};

/// The most messages the page lists (the inbox refuses new ones past `CONTACT_MAX_UNREAD`
/// unread, 100 by default, so the unread ones are all here).
const SHOWN: u32 = 500;

const NOTICES: &[(&str, &str)] = &[
    ("read", "The message is marked read."),
    ("handled", "The message is marked handled."),
    ("retried", "The notification will be sent again now."),
    ("deleted", "The message was deleted."),
];

/// `GET /admin/inbox`.
pub(crate) async fn list(State(state): State<AdminState>, owner: Owner, Query(done): Query<Done>) -> Response {
    let messages = match state.contact.inbox(SHOWN).await {
        Ok(messages) => messages,
        Err(error) => return unavailable(&error),
    };
    let emails = state.contact.emails_the_owner();
    let rows: Vec<InboxRow<'_>> = messages.iter().map(|m| InboxRow::new(m, emails)).collect();
    let unread = messages.iter().filter(|m| m.read_at.is_none()).count();
    let notice = notice(NOTICES, done);
    page(StatusCode::OK, &Inbox { csrf: &owner.session.csrf, rows, unread, emails, notice })
}

/// `POST /admin/inbox/{id}` with `value` `read`, `handled` or `retry`.
pub(crate) async fn change(
    State(state): State<AdminState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    if !owner.sent(&button.csrf) {
        return forged();
    }
    let (change, done) = match button.value.as_str() {
        "read" => (InboxChange::Read, "read"),
        "handled" => (InboxChange::Handled, "handled"),
        "retry" => (InboxChange::Retry, "retried"),
        _ => return bad_button(),
    };
    let Ok(id) = Uuid::try_parse(&id) else { return gone() };
    let gone = if change == InboxChange::Retry { sent_already } else { gone };
    changed(state.contact.change(id, change).await, &format!("/admin/inbox?done={done}"), gone)
}

/// `GET /admin/inbox/{id}/delete`: asks first.
pub(crate) async fn confirm_delete(State(state): State<AdminState>, owner: Owner, Path(id): Path<String>) -> Response {
    let Ok(id) = Uuid::try_parse(&id) else { return gone() };
    // Found among the messages the inbox lists (the store reads messages as a list only): the
    // inbox links to these, and a message past them could not have been chosen there.
    match state.contact.inbox(SHOWN).await {
        Ok(messages) => match messages.iter().find(|m| m.id == id) {
            Some(found) => page(
                StatusCode::OK,
                &ConfirmDelete {
                    csrf: &owner.session.csrf,
                    title: "Delete a message",
                    name: &found.subject,
                    consequence: &format!(
                        "The message from {} is removed from the database. This cannot be undone.",
                        found.name
                    ),
                    action: &format!("/admin/inbox/{id}/delete"),
                    cancel: "/admin/inbox",
                },
            ),
            None => gone(),
        },
        Err(error) => unavailable(&error),
    }
}

/// `POST /admin/inbox/{id}/delete`.
pub(crate) async fn delete(
    State(state): State<AdminState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    if !owner.sent(&button.csrf) {
        return forged();
    }
    let Ok(id) = Uuid::try_parse(&id) else { return gone() };
    changed(state.contact.change(id, InboxChange::Delete).await, "/admin/inbox?done=deleted", gone)
}

fn gone() -> Response {
    message(StatusCode::NOT_FOUND, "No such message", "This message does not exist (it may have been deleted).")
}

/// 409 for a retry that finds nothing to send.
fn sent_already() -> Response {
    message(
        StatusCode::CONFLICT,
        "Nothing to send again",
        "This message's notification was sent already (or the message was deleted).",
    )
}

impl<'a> InboxRow<'a> {
    fn new(message: &'a ContactMessage, emails: bool) -> Self {
        let delivery = &message.delivery;
        let when = |t: folio_core::Timestamp| t.as_datetime().format("%Y-%m-%d %H:%M UTC").to_string();
        let notification = match (emails, delivery.state) {
            (_, folio_core::DeliveryState::Sent) => {
                format!("E-mailed to you{}.", delivery.sent_at.map(|t| format!(" at {}", when(t))).unwrap_or_default())
            }
            (false, _) => "Not e-mailed: this server has no mail server (SMTP_URL); it waits here.".to_owned(),
            (true, folio_core::DeliveryState::Pending) => match &delivery.last_error {
                Some(error) => format!(
                    "Being e-mailed: {} attempts so far, the last failed ({error}){}.",
                    delivery.attempts,
                    delivery.next_attempt_at.map(|t| format!("; next at {}", when(t))).unwrap_or_default()
                ),
                None => "Being e-mailed to you.".to_owned(),
            },
            (true, folio_core::DeliveryState::Failed) => format!(
                "E-mailing failed after {} attempts: {}.",
                delivery.attempts,
                delivery.last_error.as_deref().unwrap_or("no reason recorded")
            ),
        };
        let retry = emails && delivery.state != folio_core::DeliveryState::Sent;
        Self { message, received: when(message.created_at), notification, retry }
    }
}
