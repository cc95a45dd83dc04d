//! The SQL for admin sessions, and the mapping of rows.

use chrono::{DateTime, Utc};
use folio_core::AdminSession;
use tokio_postgres::Row;

pub(crate) const INSERT: &str =
    "INSERT INTO admin_sessions (id_hash, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4)";
pub(crate) const FIND: &str =
    "SELECT id_hash, created_at, last_seen_at, expires_at FROM admin_sessions WHERE id_hash = $1";
/// Never moves `last_seen_at` back (two replicas may touch a session at once).
pub(crate) const TOUCH: &str = "UPDATE admin_sessions SET last_seen_at = greatest(last_seen_at, $2) WHERE id_hash = $1";
pub(crate) const DELETE: &str = "DELETE FROM admin_sessions WHERE id_hash = $1";
pub(crate) const DELETE_EXPIRED: &str = "DELETE FROM admin_sessions WHERE expires_at <= $1 OR last_seen_at <= $2";

/// A row selected by [`FIND`].
pub(crate) fn session(row: &Row) -> AdminSession {
    let at = |i: usize| row.get::<_, DateTime<Utc>>(i).into();
    AdminSession { id_hash: row.get(0), created_at: at(1), last_seen_at: at(2), expires_at: at(3) }
}
