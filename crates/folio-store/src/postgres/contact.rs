//! The SQL for contact messages and their outbox, and the mapping of rows.

use crate::OutboxCounts;
use crate::columns::contact_columns;
use chrono::{DateTime, Utc};
use folio_domain::{ContactMessage, Delivery, DeliveryState};
use tokio_postgres::Row;

pub(crate) const INSERT: &str = concat!(
    "INSERT INTO contact_messages (",
    contact_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
);
pub(crate) const LIST: &str =
    concat!("SELECT ", contact_columns!(), " FROM contact_messages ORDER BY created_at DESC, id LIMIT $1");
/// Due messages are claimed by pushing their next attempt past the lease; `SKIP LOCKED` keeps
/// two replicas from claiming the same row.
pub(crate) const CLAIM_DUE: &str = concat!(
    "UPDATE contact_messages SET next_attempt_at = $3 WHERE id IN (",
    "SELECT id FROM contact_messages WHERE delivery_state = 'pending' AND next_attempt_at <= $1 ",
    "ORDER BY next_attempt_at, created_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING ",
    contact_columns!()
);
pub(crate) const RECORD_SENT: &str = "UPDATE contact_messages SET delivery_state = 'sent', attempts = attempts + 1, \
     sent_at = $2, next_attempt_at = NULL, last_error = NULL WHERE id = $1";
pub(crate) const RECORD_FAILED: &str = "UPDATE contact_messages SET delivery_state = $4, attempts = attempts + 1, \
     last_error = $2, next_attempt_at = $3 WHERE id = $1";

pub(crate) const COUNTS: &str =
    "SELECT delivery_state, count(*), min(created_at) FROM contact_messages GROUP BY delivery_state";

/// A row selected with the contact columns, in order.
pub(crate) fn message(row: &Row) -> ContactMessage {
    let state: String = row.get(6);
    let at = |i: usize| row.get::<_, Option<DateTime<Utc>>>(i).map(Into::into);
    ContactMessage {
        id: row.get(0),
        name: row.get(1),
        email: row.get(2),
        subject: row.get(3),
        message: row.get(4),
        created_at: row.get::<_, DateTime<Utc>>(5).into(),
        delivery: Delivery {
            // The CHECK constraint admits only the three known states.
            state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Pending),
            attempts: row.get(7),
            next_attempt_at: at(8),
            last_error: row.get(9),
            sent_at: at(10),
        },
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
