//! The SQL for contact messages and their outbox on SQLite, and the mapping of rows.

use crate::columns::{contact_columns, contact_read_columns};
use folio_core::{ContactMessage, Delivery, DeliveryState, Timestamp};
use rusqlite::Row;
use uuid::Uuid;

use super::decode::{parse, parse_optional};

/// Inserts a message unless `?13` unread ones are already stored; one statement, so SQLite's
/// write lock makes the count and the insert atomic.
pub(crate) const INSERT: &str = concat!(
    "INSERT INTO contact_messages (",
    contact_columns!(),
    ") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 ",
    "WHERE (SELECT count(*) FROM (SELECT 1 FROM contact_messages WHERE read_at IS NULL LIMIT ?13)) < ?13"
);
/// Marks one message read (if it was not already).
pub(crate) const MARK_READ: &str = "UPDATE contact_messages SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL";
/// The owner's changes to one message ([`folio_core::InboxChange`]): `?1` the id, `?2` the time.
pub(crate) const MARK_ONE_READ: &str = "UPDATE contact_messages SET read_at = coalesce(read_at, ?2) WHERE id = ?1";
pub(crate) const MARK_HANDLED: &str = "UPDATE contact_messages SET handled_at = coalesce(handled_at, ?2), \
     read_at = coalesce(read_at, ?2) WHERE id = ?1";
pub(crate) const RETRY: &str = "UPDATE contact_messages SET delivery_state = 'pending', next_attempt_at = ?2 \
     WHERE id = ?1 AND delivery_state <> 'sent'";
/// Takes the id alone.
pub(crate) const DELETE: &str = "DELETE FROM contact_messages WHERE id = ?1";

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
    concat!("SELECT ", contact_read_columns!(), " FROM contact_messages ORDER BY created_at DESC, id LIMIT ?1");
/// One statement, so SQLite's write lock makes the claim atomic.
pub(crate) const CLAIM_DUE: &str = concat!(
    "UPDATE contact_messages SET next_attempt_at = ?3 WHERE id IN (",
    "SELECT id FROM contact_messages WHERE delivery_state = 'pending' AND next_attempt_at <= ?1 ",
    "ORDER BY next_attempt_at, created_at LIMIT ?2) RETURNING ",
    contact_read_columns!()
);
pub(crate) const RECORD_SENT: &str = "UPDATE contact_messages SET delivery_state = 'sent', attempts = attempts + 1, \
     sent_at = ?2, next_attempt_at = NULL, last_error = NULL WHERE id = ?1";
pub(crate) const RECORD_FAILED: &str = "UPDATE contact_messages SET delivery_state = ?4, attempts = attempts + 1, \
     last_error = ?2, next_attempt_at = ?3 WHERE id = ?1";

pub(crate) const COUNTS: &str =
    "SELECT delivery_state, count(*), min(created_at) FROM contact_messages GROUP BY delivery_state";

/// A row selected with the contact columns, in order.
pub(crate) fn message(row: &Row<'_>) -> rusqlite::Result<ContactMessage> {
    Ok(ContactMessage {
        id: parse(row, 0, Uuid::parse_str)?,
        name: row.get(1)?,
        email: row.get(2)?,
        subject: row.get(3)?,
        message: row.get(4)?,
        created_at: parse(row, 5, Timestamp::parse)?,
        read_at: parse_optional(row, 6, Timestamp::parse)?,
        delivery: Delivery {
            state: parse(row, 7, |s| DeliveryState::parse(s).ok_or(UnknownState))?,
            attempts: row.get(8)?,
            next_attempt_at: parse_optional(row, 9, Timestamp::parse)?,
            last_error: row.get(10)?,
            sent_at: parse_optional(row, 11, Timestamp::parse)?,
        },
        handled_at: parse_optional(row, 12, Timestamp::parse)?,
    })
}

/// One row of [`COUNTS`]: a state, its count, and its oldest `created_at` (RFC 3339 text in
/// one fixed format, so the smallest text is the earliest time).
pub(crate) fn count(row: &Row<'_>) -> rusqlite::Result<(DeliveryState, u64, Option<Timestamp>)> {
    let state = parse(row, 0, |s| DeliveryState::parse(s).ok_or(UnknownState))?;
    let count: i64 = row.get(1)?;
    Ok((state, u64::try_from(count).unwrap_or(0), parse_optional(row, 2, Timestamp::parse)?))
}

/// A `delivery_state` outside the three the CHECK constraint admits.
#[derive(Debug)]
struct UnknownState;

impl std::fmt::Display for UnknownState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unknown delivery state")
    }
}

impl std::error::Error for UnknownState {}
