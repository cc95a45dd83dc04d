//! The SQL for contact messages and their outbox, and the mapping of rows.

use crate::columns::{contact_columns, contact_read_columns};
use chrono::{DateTime, Utc};
use folio_core::{ContactMessage, Delivery, DeliveryState, OutboxCounts};
use tokio_postgres::Row;

/// Inserts a message unless `$13` unread ones are already stored (counting no further than
/// that). The count and the insert are one statement; replicas inserting at the same moment may
/// each see room for one more, so the cap can be passed by as many messages as there are
/// replicas.
pub(crate) const INSERT: &str = concat!(
    "INSERT INTO contact_messages (",
    contact_columns!(),
    ") SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz, $8::text, ",
    "$9::int4, $10::timestamptz, $11::text, $12::timestamptz ",
    "WHERE (SELECT count(*) FROM (SELECT 1 FROM contact_messages WHERE read_at IS NULL LIMIT $13) AS unread) < $13"
);
/// Marks the given messages read (those already read keep their time).
pub(crate) const MARK_READ: &str = "UPDATE contact_messages SET read_at = $2 WHERE id = ANY($1) AND read_at IS NULL";
/// The owner's changes to one message ([`folio_core::InboxChange`]): `$1` the id, `$2` the time.
pub(crate) const MARK_ONE_READ: &str = "UPDATE contact_messages SET read_at = coalesce(read_at, $2) WHERE id = $1";
pub(crate) const MARK_HANDLED: &str = "UPDATE contact_messages SET handled_at = coalesce(handled_at, $2), \
     read_at = coalesce(read_at, $2) WHERE id = $1";
pub(crate) const RETRY: &str = "UPDATE contact_messages SET delivery_state = 'pending', next_attempt_at = $2 \
     WHERE id = $1 AND delivery_state <> 'sent'";
/// Takes the id alone.
pub(crate) const DELETE: &str = "DELETE FROM contact_messages WHERE id = $1";

/// The statement for one change.
pub(crate) fn change(change: folio_core::InboxChange) -> &'static str {
    match change {
        folio_core::InboxChange::Read => MARK_ONE_READ,
        folio_core::InboxChange::Handled => MARK_HANDLED,
        folio_core::InboxChange::Retry => RETRY,
        folio_core::InboxChange::Delete => DELETE,
    }
}

pub(crate) const LIST: &str =
    concat!("SELECT ", contact_read_columns!(), " FROM contact_messages ORDER BY created_at DESC, id LIMIT $1");
/// Due messages are claimed by pushing their next attempt past the lease; `SKIP LOCKED` keeps
/// two replicas from claiming the same row.
pub(crate) const CLAIM_DUE: &str = concat!(
    "UPDATE contact_messages SET next_attempt_at = $3 WHERE id IN (",
    "SELECT id FROM contact_messages WHERE delivery_state = 'pending' AND next_attempt_at <= $1 ",
    "ORDER BY next_attempt_at, created_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING ",
    contact_read_columns!()
);
pub(crate) const RECORD_SENT: &str = "UPDATE contact_messages SET delivery_state = 'sent', attempts = attempts + 1, \
     sent_at = $2, next_attempt_at = NULL, last_error = NULL WHERE id = $1";
pub(crate) const RECORD_FAILED: &str = "UPDATE contact_messages SET delivery_state = $4, attempts = attempts + 1, \
     last_error = $2, next_attempt_at = $3 WHERE id = $1";

pub(crate) const COUNTS: &str =
    "SELECT delivery_state, count(*), min(created_at) FROM contact_messages GROUP BY delivery_state";

/// A row selected with the contact columns, in order.
pub(crate) fn message(row: &Row) -> ContactMessage {
    let state: String = row.get(7);
    let at = |i: usize| row.get::<_, Option<DateTime<Utc>>>(i).map(Into::into);
    ContactMessage {
        id: row.get(0),
        name: row.get(1),
        email: row.get(2),
        subject: row.get(3),
        message: row.get(4),
        created_at: row.get::<_, DateTime<Utc>>(5).into(),
        read_at: at(6),
        delivery: Delivery {
            // The CHECK constraint admits only the three known states.
            state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Pending),
            attempts: row.get(8),
            next_attempt_at: at(9),
            last_error: row.get(10),
            sent_at: at(11),
        },
        handled_at: at(12),
    }
}

/// Adds one row of [`COUNTS`] to `counts`.
pub(crate) fn add_count(counts: &mut OutboxCounts, row: &Row) {
    let state: String = row.get(0);
    let count: i64 = row.get(1);
    let oldest = row.get::<_, Option<DateTime<Utc>>>(2).map(Into::into);
    // The CHECK constraint admits only the three known states.
    if let Some(state) = DeliveryState::parse(&state) {
        counts.add(state, u64::try_from(count).unwrap_or(0), oldest);
    }
}
